import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { POST } from "@/app/api/v1/ingest/route";
import { createSource, updateSource } from "@/lib/server/queries/sources";
import { createSourceKey, revokeSourceKey } from "@/lib/server/queries/api-keys";
import { gzipSync } from "node:zlib";
import { INGEST_LIMITS } from "@/lib/ingest/batch";

withTestDatabase();

// The queue is the pipeline's business; here we check ingest rings it after commit, best effort.
const scheduled = vi.hoisted(() => ({ calls: [] as string[][], fail: false }));
vi.mock("@/lib/pipeline/schedule", () => ({
  scheduleDetection: async (ids: string[]) => {
    scheduled.calls.push(ids);
    if (scheduled.fail) throw new Error("queue down");
  },
}));

let key = "";
let sourceId = "";

function ingest(body: string, type = "application/json", auth: string | null = `Bearer ${key}`) {
  const headers: Record<string, string> = { "content-type": type };
  if (auth) headers.authorization = auth;
  return POST(new NextRequest("http://localhost/api/v1/ingest", { method: "POST", headers, body }));
}

async function expectError(res: Response, status: number, message: string | RegExp) {
  const body = await res.json();
  expect({ status: res.status, message: body.error?.message }).toEqual({ status, message: expect.stringMatching(message) });
  return body.error;
}

const t0 = Date.parse("2024-05-01T00:00:00Z");
const points = () => getPrisma().dataPoint.count();
const seriesRows = () => getPrisma().series.findMany({ where: { sourceId }, orderBy: [{ metric: "asc" }, { labelsKey: "asc" }] });
async function valuesOf(metric: string, labelsKey = "") {
  const s = await getPrisma().series.findUniqueOrThrow({ where: { sourceId_metric_labelsKey: { sourceId, metric, labelsKey } } });
  const rows = await getPrisma().dataPoint.findMany({ where: { seriesKey: s.key }, orderBy: { ts: "asc" } });
  return rows.map((r) => [r.ts.toISOString(), r.value]);
}

beforeAll(async () => {
  const s = await createSource({ name: "push", kind: "HTTP_PUSH", config: {} }, null);
  sourceId = s.id;
  key = (await createSourceKey(s.id, "test", null)).key;
});

describe("ingest formats", () => {
  it("JSON series object: creates the series, stores out-of-order points, stamps source and key", async () => {
    const body = { series: "cpu", labels: { region: "eu", host: "a" }, points: [[t0 / 1000 + 60, 2], ["2024-05-01T00:00:00Z", 1], [t0 + 30_000, 1.5]] };
    const res = await ingest(JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, series: 1 });
    const [s] = await seriesRows();
    expect(s).toMatchObject({ metric: "cpu", labels: { host: "a", region: "eu" }, labelsKey: '{"host":"a","region":"eu"}' });
    expect(await valuesOf("cpu", s.labelsKey)).toEqual([
      ["2024-05-01T00:00:00.000Z", 1],
      ["2024-05-01T00:00:30.000Z", 1.5],
      ["2024-05-01T00:01:00.000Z", 2],
    ]);
    expect((await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } })).lastIngestedAt).toBeInstanceOf(Date);
    expect((await getPrisma().apiKey.findFirstOrThrow({ where: { sourceId } })).lastUsedAt).toBeInstanceOf(Date);
  });

  it("is idempotent: the same batch twice leaves the same rows; a re-sent point overwrites", async () => {
    const body = JSON.stringify([
      { series: "mem", points: [[t0, 10], [t0 + 1000, 11]] },
      { series: "mem", labels: { host: "b" }, points: [[t0, 20]] },
    ]);
    const before = await points();
    expect(await (await ingest(body)).json()).toEqual({ accepted: 3, series: 2 });
    const after = await points();
    expect(after - before).toBe(3);
    expect((await ingest(body)).status).toBe(200);
    expect(await points()).toBe(after);
    await ingest(JSON.stringify({ series: "mem", points: [[t0, 99], [t0, 100]] }));
    expect(await valuesOf("mem")).toEqual([
      ["2024-05-01T00:00:00.000Z", 100],
      ["2024-05-01T00:00:01.000Z", 11],
    ]);
  });

  it("JSON rows {ts, metrics, labels}", async () => {
    const body = [
      { ts: "2024-05-01T00:00:00Z", metrics: { "rows.a": 1, "rows.b": 2 }, labels: { dc: "x" } },
      { ts: t0 + 1000, metrics: { "rows.a": 3 }, labels: { dc: "x" } },
    ];
    expect(await (await ingest(JSON.stringify(body))).json()).toEqual({ accepted: 3, series: 2 });
    expect(await valuesOf("rows.a", '{"dc":"x"}')).toEqual([
      ["2024-05-01T00:00:00.000Z", 1],
      ["2024-05-01T00:00:01.000Z", 3],
    ]);
  });

  it("NDJSON, one object of either shape per line", async () => {
    const body = [JSON.stringify({ series: "nd", points: [[t0, 1]] }), "", JSON.stringify({ ts: t0 + 1000, metrics: { nd: 2 } })].join("\n");
    expect(await (await ingest(body, "application/x-ndjson")).json()).toEqual({ accepted: 2, series: 1 });
    expect((await valuesOf("nd")).map(([, v]) => v)).toEqual([1, 2]);
  });

  it("CSV long (timestamp,series,value + label columns) and wide (timestamp,metric...)", async () => {
    const long = "timestamp,series,value,host\n2024-05-01T00:00:00Z,csv.long,1,a\n1714521601,csv.long,2,a\n1714521602000,csv.long,3,\n";
    expect(await (await ingest(long, "text/csv; charset=utf-8")).json()).toEqual({ accepted: 3, series: 2 });
    expect((await valuesOf("csv.long", '{"host":"a"}')).map(([, v]) => v)).toEqual([1, 2]);
    expect((await valuesOf("csv.long")).map(([, v]) => v)).toEqual([3]);
    const wide = "timestamp,csv.w1,csv.w2\n2024-05-01T00:00:00Z,1,2\n2024-05-01T00:00:01Z,,4\n";
    expect(await (await ingest(wide, "text/csv")).json()).toEqual({ accepted: 3, series: 2 });
    expect((await valuesOf("csv.w2")).map(([, v]) => v)).toEqual([2, 4]);
  });
});

describe("ingest errors (nothing written)", () => {
  it("422 names the point and field, and a bad point rejects the whole batch", async () => {
    const before = await points();
    const beforeSeries = (await seriesRows()).length;
    const good = Array.from({ length: 3 }, (_, i) => [t0 + i * 1000, i]);
    const res = await ingest(JSON.stringify({ series: "fail.whole", points: [...good, [t0 + 5000, "NaN"]] }));
    const err = await expectError(res, 422, /^points\[3\]\[1\]: value must be a finite number$/);
    expect(err.issues).toEqual([{ path: "points[3][1]", message: "value must be a finite number" }]);
    const res2 = await ingest(JSON.stringify([{ series: "fail.a", points: [[t0, 1]] }, { series: "fail.b", points: [["2024-05-01T00:00:00", 1]] }]));
    await expectError(res2, 422, /^\[1\]\.points\[0\]\[0\]: timestamp .* has no time zone/);
    expect(await points()).toBe(before);
    expect((await seriesRows()).length).toBe(beforeSeries);
  });

  it("422 with the line for NDJSON and CSV, 400 for unparseable bodies", async () => {
    const nd = [JSON.stringify({ series: "l", points: [[t0, 1]] }), JSON.stringify({ ts: t0, metrics: { l: null } })].join("\n");
    await expectError(await ingest(nd, "application/x-ndjson"), 422, /^line 2: metrics\.l: value must be a finite number$/);
    await expectError(await ingest(`${JSON.stringify({ series: "l", points: [] })}\n{oops`, "application/x-ndjson"), 400, /^line 2: not valid JSON/);
    const csv = "timestamp,series,value\n" + Array.from({ length: 15 }, (_, i) => `${t0 + i},c,${i}`).join("\n") + "\n2024-05-01T00:00:00Z,c,abc\n";
    await expectError(await ingest(csv, "text/csv"), 422, /^line 17: value: value must be a finite number$/);
    await expectError(await ingest('timestamp,series,value\n1,c,"2\n', "text/csv"), 400, /^CSV is malformed/);
    await expectError(await ingest("value,series\n1,2\n", "text/csv"), 422, /^line 1: the first column must be "timestamp"/);
    await expectError(await ingest("{", "application/json"), 400, /^Body is not valid JSON/);
    await expectError(await ingest(JSON.stringify({ serie: "x", points: [[t0, 1]] })), 422, /serie: unknown field/);
    await expectError(await ingest(JSON.stringify([])), 422, /no points/);
  });

  it("413 over the point limit or the byte limit, 415 for other content types", async () => {
    const many = { series: "big", points: Array.from({ length: INGEST_LIMITS.maxPoints + 1 }, (_, i) => [t0 + i, 1]) };
    await expectError(await ingest(JSON.stringify(many)), 413, /More than 100000 points/);
    const huge = JSON.stringify({ series: "big", points: [[t0, 1]], pad: "x".repeat(INGEST_LIMITS.maxBytes) });
    await expectError(await ingest(huge), 413, /exceeds 10485760 bytes/);
    await expectError(await ingest("a=1", "application/x-www-form-urlencoded"), 415, /Content-Type must be one of/);
    expect(await getPrisma().series.count({ where: { metric: "big" } })).toBe(0);
  });

  it("401 without a key, with an unknown key, with a revoked key; 403 for a paused or pulled source", async () => {
    const body = JSON.stringify({ series: "auth", points: [[t0, 1]] });
    await expectError(await ingest(body, "application/json", null), 401, /Bearer/);
    await expectError(await ingest(body, "application/json", `Bearer vgl_000000000000_${"0".repeat(64)}`), 401, /Unknown or revoked/);
    const s = await createSource({ name: "revoked", kind: "HTTP_PUSH", config: {} }, null);
    const k = await createSourceKey(s.id, "old", null);
    await revokeSourceKey(s.id, k.id, null);
    await expectError(await ingest(body, "application/json", `Bearer ${k.key}`), 401, /Unknown or revoked/);

    const poll = await createSource({ name: "poll", kind: "CSV_UPLOAD", config: {} }, null);
    const pk = await createSourceKey(poll.id, "k", null);
    await expectError(await ingest(body, "application/json", `Bearer ${pk.key}`), 403, /not HTTP_PUSH/);
    await updateSource(sourceId, { status: "PAUSED" }, null);
    await expectError(await ingest(body), 403, /paused/);
    await updateSource(sourceId, { status: "ACTIVE" }, null);
    expect(await getPrisma().series.count({ where: { metric: "auth" } })).toBe(0);
  });
});

describe("detection scheduling", () => {
  it("is asked for the written series after commit, and its failure does not fail the ingest", async () => {
    scheduled.calls.length = 0;
    expect((await ingest(JSON.stringify({ series: "sched", points: [[t0, 1]] }))).status).toBe(200);
    const s = await getPrisma().series.findFirstOrThrow({ where: { metric: "sched" } });
    expect(scheduled.calls).toEqual([[s.id]]);
    scheduled.fail = true;
    const res = await ingest(JSON.stringify({ series: "sched", points: [[t0 + 1000, 2]] }));
    scheduled.fail = false;
    expect(res.status).toBe(200);
    expect((await valuesOf("sched")).length).toBe(2);
  });

  it("is not asked when the batch is refused", async () => {
    scheduled.calls.length = 0;
    expect((await ingest(JSON.stringify({ series: "sched", points: [[t0, "x"]] }))).status).toBe(422);
    expect(scheduled.calls).toEqual([]);
  });
});

describe("concurrency", () => {
  it("parallel first sight of the same series creates it once and keeps every point", async () => {
    const bodies = Array.from({ length: 6 }, (_, r) => JSON.stringify({ series: "race", labels: { k: "v" }, points: Array.from({ length: 50 }, (_, i) => [t0 + r * 1000 + i * 10_000, r]) }));
    const results = await Promise.all(bodies.map((b) => ingest(b)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(await getPrisma().series.count({ where: { metric: "race" } })).toBe(1);
    expect((await valuesOf("race", '{"k":"v"}')).length).toBe(300);
  });

  it("overlapping batches listing the same series in opposite orders all commit (no deadlock)", async () => {
    const a = { series: "dl.a", points: Array.from({ length: 500 }, (_, i) => [t0 + (499 - i) * 1000, i]) };
    const b = { series: "dl.b", points: Array.from({ length: 500 }, (_, i) => [t0 + i * 1000, i]) };
    // Series exist already, so nothing serializes the requests before their point writes.
    await ingest(JSON.stringify([{ series: "dl.a", points: [[t0 - 1000, 0]] }, { series: "dl.b", points: [[t0 - 1000, 0]] }]));
    const bodies = Array.from({ length: 8 }, (_, r) => JSON.stringify(r % 2 ? [a, b] : [b, a]));
    const results = await Promise.all(bodies.map((body) => ingest(body)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await valuesOf("dl.a")).length).toBe(501);
    expect((await valuesOf("dl.a"))[1]).toEqual(["2024-05-01T00:00:00.000Z", 499]);
  });
});

describe("hostile strings and encodings", () => {
  const send = (body: Uint8Array, headers: Record<string, string>) =>
    POST(new NextRequest("http://localhost/api/v1/ingest", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: Buffer.from(body) }));

  it("a NUL or a lone surrogate in a label value is a 422 naming the label (JSON and CSV), and nothing is stored", async () => {
    const before = await points();
    const nul = await ingest(JSON.stringify({ series: "hostile", labels: { host: "a\u0000b" }, points: [[t0, 1]] }));
    expect((await expectError(nul, 422, /NUL/)).issues).toEqual([{ path: "labels.host", message: expect.stringContaining("U+0000") }]);
    await expectError(await ingest(JSON.stringify({ series: "hostile", labels: { host: "\ud800" }, points: [[t0, 1]] })), 422, /labels\.host: label value must not contain a lone UTF-16 surrogate/);
    await expectError(await ingest("timestamp,series,value,host\n2024-05-01T00:00:00Z,hostile,1,a\u0000b\n", "text/csv"), 422, /^line 2: labels\.host: label value must not contain the NUL/);
    expect(await points()).toBe(before);
  });

  it("decodes Content-Encoding: gzip, counting the limit on the decoded body", async () => {
    const body = JSON.stringify({ series: "zipped", points: [[t0, 1], [t0 + 1000, 2]] });
    const res = await send(gzipSync(body), { "content-encoding": "gzip" });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { accepted: 2, series: 1 } });
    expect(await valuesOf("zipped")).toEqual([["2024-05-01T00:00:00.000Z", 1], ["2024-05-01T00:00:01.000Z", 2]]);
    // 11 MB of spaces compress to a few kB: refused by the decoded size, not inflated whole.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"series":"bomb","points":[[1,1]]'), Buffer.alloc(INGEST_LIMITS.maxBytes + 1024 * 1024, 0x20), Buffer.from("}")]));
    expect(bomb.length).toBeLessThan(100_000);
    await expectError(await send(bomb, { "content-encoding": "gzip" }), 413, /decoded/);
    await expectError(await send(Buffer.from("not gzip"), { "content-encoding": "gzip" }), 400, /not valid gzip/);
    await expectError(await send(Buffer.from(body), { "content-encoding": "br" }), 415, /Content-Encoding "br" is not supported/);
    expect(await getPrisma().series.count({ where: { metric: "bomb" } })).toBe(0);
  });
});
