import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMAS, SOURCE_KINDS } from "@/lib/ingest/source-config";
import { CONFIG_FIELDS, configToForm, emptyForm, formToConfig, isPulled, issuesByField, summarizeConfig } from "@/components/sources/config-fields";

describe("config form mapping", () => {
  it("builds the nested config the schema accepts from flat form values", () => {
    const config = formToConfig("HTTP_POLL", {
      url: " https://example.com/m.json ",
      format: "csv",
      "mapping.timestamp": "ts",
      "mapping.value": "v",
      "mapping.series": "",
      interval: "30",
    });
    expect(config).toEqual({ url: "https://example.com/m.json", format: "csv", mapping: { timestamp: "ts", value: "v" }, interval: 30 });
    expect(CONFIG_SCHEMAS.HTTP_POLL.safeParse(config).success).toBe(true);
  });

  it("sends a non-numeric number field as typed so the schema's message names it", () => {
    const config = formToConfig("PROMETHEUS", { baseUrl: "http://p:9090", query: "up", step: "abc", interval: "60" });
    const result = CONFIG_SCHEMAS.PROMETHEUS.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["step"]);
  });

  it("reads label maps as name=value pairs", () => {
    const config = formToConfig("HTTP_POLL", { url: "http://x", format: "json", "mapping.timestamp": "t", "mapping.value": "v", "mapping.labels": "host = meta.host, region=meta.region,", interval: "60" });
    expect(config.mapping).toEqual({ timestamp: "t", value: "v", labels: { host: "meta.host", region: "meta.region" } });
    expect(formToConfig("MQTT", { brokerUrl: "mqtt://b", topic: "s/+/t", "mapping.value": "v", "mapping.topicLabels": "site=1, bad" }).mapping).toEqual({
      value: "v",
      topicLabels: { site: 1, bad: "" },
    });
  });

  it("round-trips a saved config through the form", () => {
    const saved = { brokerUrl: "mqtt://localhost:1883", topic: "a/+/b", mapping: { value: "v", series: "name", topicLabels: { site: 1 } } };
    expect(formToConfig("MQTT", configToForm("MQTT", saved))).toEqual(saved);
  });

  it("gives every kind's field a path its schema knows, and new forms defaults", () => {
    for (const kind of SOURCE_KINDS) {
      const shape = CONFIG_SCHEMAS[kind].shape as Record<string, unknown>;
      for (const f of CONFIG_FIELDS[kind]) expect(Object.keys(shape)).toContain(f.path.split(".")[0]);
    }
    expect(emptyForm("HTTP_POLL")).toMatchObject({ format: "json", interval: "60" });
    expect(emptyForm("HTTP_PUSH")).toEqual({});
    expect(SOURCE_KINDS.filter(isPulled)).toEqual(["HTTP_POLL", "PROMETHEUS"]);
  });
});

describe("issuesByField", () => {
  it("puts the API's config issues under their fields and the rest under the form", () => {
    const issues = [
      { path: "config.url", message: "must be an http(s) URL" },
      { path: "config.mapping.value", message: "must not be empty" },
      { path: "name", message: "must not be empty" },
      { path: "config", message: "Unrecognized key" },
      { path: "config.mapping.labels.bad key", message: "must be a label name" },
    ];
    expect(issuesByField(issues, ["url", "mapping.value", "mapping.labels"])).toEqual({
      url: "must be an http(s) URL",
      "mapping.value": "must not be empty",
      name: "must not be empty",
      "": "Unrecognized key",
      "mapping.labels": "must be a label name",
    });
  });
});

describe("summarizeConfig", () => {
  it("lists the set fields with their labels", () => {
    expect(summarizeConfig("PROMETHEUS", { baseUrl: "http://p:9090", query: "up", step: 15, interval: 60 })).toEqual([
      { label: "Prometheus URL", value: "http://p:9090" },
      { label: "PromQL query", value: "up" },
      { label: "Step (seconds)", value: "15" },
      { label: "Poll interval (seconds)", value: "60" },
    ]);
  });
});
