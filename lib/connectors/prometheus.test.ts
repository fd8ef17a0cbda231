import { describe, expect, it } from "vitest";
import { ZStartImport } from "@/lib/ingest/source-config";
import { MAX_STEPS, parseQueryRange, pollWindow, queryRangeUrl } from "@/lib/connectors/prometheus";

const config = { baseUrl: "http://prom:9090/sub", query: 'rate(x{a="b"}[5m])', step: 15, interval: 60 };

describe("prometheus", () => {
  it("builds the query_range URL under a base path", () => {
    const u = new URL(queryRangeUrl(config, new Date(1_700_000_000_000), new Date(1_700_000_060_000)));
    expect(u.pathname).toBe("/sub/api/v1/query_range");
    expect(Object.fromEntries(u.searchParams)).toEqual({ query: 'rate(x{a="b"}[5m])', start: "1700000000.000", end: "1700000060.000", step: "15" });
  });

  it("windows: an hour back at first, then from the last point minus an overlap, capped in steps", () => {
    const now = new Date(1_700_000_000_000);
    expect(pollWindow(config, null, now)).toEqual({ start: new Date(now.getTime() - 3_600_000), end: now });
    expect(pollWindow(config, new Date(now.getTime() - 120_000), now).start).toEqual(new Date(now.getTime() - 120_000 - 75_000));
    const old = new Date(now.getTime() - 365 * 86_400_000);
    const w = pollWindow(config, old, now);
    expect(w.end.getTime() - w.start.getTime()).toBe(MAX_STEPS * 15_000);
  });

  it("parses a matrix, skipping NaN and Inf with a count", () => {
    const body = {
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          { metric: { __name__: "cpu", host: "a" }, values: [[1_700_000_000, "1.5"], [1_700_000_015, "NaN"], [1_700_000_030, "+Inf"]] },
          { metric: { host: "b" }, values: [[1_700_000_000.5, "-Inf"], [1_700_000_015, "2"]] },
        ],
      },
    };
    const { batch, skippedNonFinite } = parseQueryRange(JSON.stringify(body), "u");
    expect(skippedNonFinite).toBe(3);
    expect([...batch.series.values()].map((s) => [s.metric, s.labels, s.ms, s.values])).toEqual([
      ["cpu", { host: "a" }, [1_700_000_000_000], [1.5]],
      ["value", { host: "b" }, [1_700_000_015_000], [2]],
    ]);
  });

  it("reports Prometheus errors and unexpected shapes precisely", () => {
    expect(() => parseQueryRange('{"status":"error","errorType":"bad_data","error":"parse error"}', "u")).toThrow("Prometheus error from u: bad_data: parse error");
    expect(() => parseQueryRange('{"status":"success","data":{}}', "u")).toThrow("JSON path data.result missing in the response from u");
    expect(() => parseQueryRange('{"status":"success","data":{"resultType":"vector","result":[]}}', "u")).toThrow("expected a matrix result from u, got vector");
  });
});

describe("ZStartImport", () => {
  it("takes a past range of at most 400 days, naming the field that is wrong", () => {
    expect(ZStartImport.safeParse({ from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }).success).toBe(true);
    const issues = (v: unknown) => (ZStartImport.safeParse(v).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues({ from: "2025-02-01T00:00:00Z", to: "2025-01-01T00:00:00Z" })).toEqual(["to: must be after from"]);
    expect(issues({ from: "2020-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z" })).toEqual(["from: the range must be at most 400 days"]);
    expect(issues({ from: "yesterday", to: "2025-01-01T00:00:00Z" })[0]).toMatch(/^from: /);
  });
});
