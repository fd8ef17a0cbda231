import { describe, expect, it } from "vitest";
import { IngestBatch } from "@/lib/ingest/batch";
import { parseSourceConfig } from "@/lib/ingest/source-config";
import { addMessage, addMqttMessage } from "@/lib/connectors/message-payload";

const base = { brokerUrl: "mqtt://b", topic: "plant/+/+/#" };
const arrival = Date.parse("2024-05-01T00:00:00Z");

function one(mapping: Parameters<typeof addMqttMessage>[1]["mapping"], topic: string, payload: string) {
  const batch = new IngestBatch();
  addMqttMessage(batch, { ...base, mapping }, topic, Buffer.from(payload), arrival);
  return { issues: batch.issues, series: [...batch.series.values()].map((s) => ({ metric: s.metric, labels: s.labels, ms: s.ms, values: s.values })) };
}

describe("addMqttMessage", () => {
  it("plain number payload: arrival time, metric from the last topic segment, labels from segments", () => {
    expect(one({ value: "v", topicLabels: { site: 1, line: 2 } }, "plant/a/l1/temp", " 21.5 ")).toEqual({
      issues: [],
      series: [{ metric: "temp", labels: { line: "l1", site: "a" }, ms: [arrival], values: [21.5] }],
    });
  });

  it("JSON object: value, timestamp and series fields by path; a fixed metric wins", () => {
    expect(one({ value: "data.v", timestamp: "data.t", series: "name" }, "plant/a/l1/x", '{"name":"rpm","data":{"v":"900","t":1700000000}}').series).toEqual([
      { metric: "rpm", labels: {}, ms: [1_700_000_000_000], values: [900] },
    ]);
    expect(one({ value: "v", series: "name", metric: "fixed" }, "plant/a/l1/x", '{"name":"rpm","v":1}').series[0].metric).toBe("fixed");
  });

  it("reports what is wrong with the message, naming the topic", () => {
    expect(one({ value: "v" }, "plant/a/l1/temp", '{"v":"hot"}').issues).toEqual([{ path: "topic plant/a/l1/temp: v", message: "value must be a finite number" }]);
    expect(one({ value: "v" }, "plant/a/l1/9bad", "1").issues[0].path).toBe("topic plant/a/l1/9bad: metric");
  });
});

describe("addMessage for NATS subjects and AMQP routing keys", () => {
  it("splits on dots, names the subject in issues, and says whether the message gave a point", () => {
    const batch = new IngestBatch();
    const origin = { what: "subject", name: "plant.a.temp", separator: "." } as const;
    expect(addMessage(batch, { value: "v", topicLabels: { site: 1 } }, origin, new TextEncoder().encode('{"v":2}'), arrival)).toBe(true);
    expect(addMessage(batch, { value: "v" }, origin, "oops", arrival)).toBe(false);
    expect([...batch.series.values()].map((s) => [s.metric, s.labels, s.values])).toEqual([["temp", { site: "a" }, [2]]]);
    expect(batch.issues).toEqual([{ path: "subject plant.a.temp: v", message: "value must be a finite number" }]);
  });
});

describe("NATS and AMQP source configs", () => {
  const issues = (kind: "NATS" | "AMQP", config: unknown) => {
    try {
      parseSourceConfig(kind, config);
      return [];
    } catch (err) {
      return (err as { issues: { path: (string | number)[]; message: string }[] }).issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    }
  };
  const mapping = { value: "v" };

  it("NATS: a nats:// URL, a stream name, a subject whose wildcards are whole tokens", () => {
    expect(issues("NATS", { servers: "nats://n:4222", stream: "S1", subject: "a.*.b.>", mapping })).toEqual([]);
    expect(issues("NATS", { servers: "http://n", stream: "a b", subject: "a.>.b", mapping })).toEqual([
      "config.servers: must be a nats:// or tls:// URL",
      "config.stream: must be a stream name: letters, digits, _ and -",
      "config.subject: must be a NATS subject: dot-separated tokens, '*' a whole token, '>' only as the last one",
    ]);
    expect(issues("NATS", { servers: "nats://n", stream: "S", subject: "a..b", mapping })).toHaveLength(1);
  });

  it("AMQP: an amqp:// URL, a queue, a binding key only with an exchange, prefetch bounded (default 1000)", () => {
    expect(parseSourceConfig("AMQP", { url: "amqp://u:p@r:5672", queue: "q", mapping })).toMatchObject({ prefetch: 1000 });
    expect(issues("AMQP", { url: "amqp://r", queue: "q", exchange: "x", bindingKey: "a.#", prefetch: 0, mapping })).toEqual(["config.prefetch: must be at least 1"]);
    expect(issues("AMQP", { url: "amqp://r", queue: "q", bindingKey: "a.#", mapping })).toEqual(["config.bindingKey: needs an exchange"]);
    expect(issues("AMQP", { url: "mqtt://r", queue: "", mapping })).toEqual(["config.url: must be an amqp:// or amqps:// URL", "config.queue: must not be empty"]);
  });
});
