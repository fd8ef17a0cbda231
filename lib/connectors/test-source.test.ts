import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { testSourceConfig } from "@/lib/connectors/test-source";
import { startTestServer } from "@/lib/connectors/test-server";

let peer: Awaited<ReturnType<typeof startTestServer>>;
const json = (v: unknown) => ({ body: JSON.stringify(v) });

beforeAll(async () => {
  peer = await startTestServer((_req, url) => {
    switch (url.pathname) {
      case "/metrics.json":
        return json({
          data: {
            items: Array.from({ length: 30 }, (_, i) => ({ t: 1_700_000_000 + i * 60, v: String(i), m: "cpu", host: i % 2 ? "a" : "b" })),
          },
        });
      case "/metrics.csv":
        return { type: "text/csv", body: "time,reading,device\n2024-05-01T00:00:00Z,1.5,x\n2024-05-01T00:01:00Z,2.5,x\n" };
      case "/bad.json":
        return json([{ t: 1_700_000_000, v: "high" }]);
      default:
        return { status: 404, type: "text/plain", body: "not here" };
    }
  });
});
afterAll(() => peer.close());

const poll = (path: string, mapping: Record<string, unknown>, format = "json") => ({ url: `${peer.url}${path}`, format, mapping, interval: 60 });

describe("testSourceConfig", () => {
  it("HTTP poll JSON: records path, series field and labels; at most 20 points per series", async () => {
    const r = await testSourceConfig("HTTP_POLL", poll("/metrics.json", { records: "data.items", timestamp: "t", value: "v", series: "m", labels: { host: "host" } }));
    expect(r.ok).toBe(true);
    if (!r.ok || !r.sample) throw new Error("no sample");
    expect(r.sample.totalPoints).toBe(30);
    expect(r.sample.series.map((s) => [s.metric, s.labels, s.points.length])).toEqual([
      ["cpu", { host: "b" }, 15],
      ["cpu", { host: "a" }, 15],
    ]);
    expect(r.sample.series[0].points[0]).toEqual(["2023-11-14T22:13:20.000Z", 0]);
  });

  it("HTTP poll CSV: named columns, fixed metric", async () => {
    const r = await testSourceConfig("HTTP_POLL", poll("/metrics.csv", { timestamp: "time", value: "reading", metric: "temp", labels: { device: "device" } }, "csv"));
    expect(r).toEqual({
      ok: true,
      sample: { series: [{ metric: "temp", labels: { device: "x" }, points: [["2024-05-01T00:00:00.000Z", 1.5], ["2024-05-01T00:01:00.000Z", 2.5]] }], totalPoints: 2 },
    });
  });

  it("precise errors: HTTP status, missing JSON path, bad value, connection refused", async () => {
    expect(await testSourceConfig("HTTP_POLL", poll("/nope", { timestamp: "t", value: "v" }))).toEqual({ ok: false, error: `HTTP 404 from ${peer.url}/nope: not here` });
    expect(await testSourceConfig("HTTP_POLL", poll("/metrics.json", { records: "data.result", timestamp: "t", value: "v" }))).toEqual({
      ok: false,
      error: `JSON path data.result missing in the response from ${peer.url}/metrics.json`,
    });
    expect(await testSourceConfig("HTTP_POLL", poll("/bad.json", { timestamp: "t", value: "v" }))).toEqual({
      ok: false,
      error: `invalid data from ${peer.url}/bad.json: [0].v: value must be a finite number`,
    });
    const closed = await startTestServer(() => json([]));
    await closed.close();
    expect(await testSourceConfig("HTTP_POLL", { ...poll("/x", { timestamp: "t", value: "v" }), url: `${closed.url}/x` })).toEqual({
      ok: false,
      error: `connection refused to ${closed.url}/x`,
    });
  });

  it("push and upload sources have nothing to fetch", async () => {
    expect(await testSourceConfig("HTTP_PUSH", {})).toMatchObject({ ok: true, sample: null, message: expect.stringContaining("/api/v1/ingest") });
    expect(await testSourceConfig("CSV_UPLOAD", {})).toMatchObject({ ok: true, sample: null, message: expect.stringContaining("/upload") });
  });

  it("an invalid config is refused with field paths", async () => {
    const err = await testSourceConfig("HTTP_POLL", { url: "ftp://x", format: "json", mapping: { value: "v" }, interval: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ZodError);
    expect((err as ZodError).issues.map((i) => i.path.join("."))).toEqual(["config.url", "config.mapping.timestamp", "config.interval"]);
  });
});
