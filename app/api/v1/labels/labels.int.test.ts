/**
 * Labels and missed spans through the API against a real database: labels are history (a change is
 * a new row, the current label the latest, each in the incident's activity), follow merges,
 * survive the detector's deletion, and export as CSV/JSON and import back idempotently, with 422s
 * naming row and field.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest, routeContext, withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { ZLabelHistory, ZMissed } from "@/lib/feedback/schemas";
import { GET as getLabels, POST as postLabel } from "@/app/api/v1/anomalies/[id]/labels/route";
import { GET as activity } from "@/app/api/v1/anomalies/[id]/activity/route";
import { GET as listAnomalies } from "@/app/api/v1/anomalies/route";
import { GET as listMissed, POST as postMissed } from "@/app/api/v1/labels/missed/route";
import { GET as exportLabels } from "@/app/api/v1/labels/export/route";
import { POST as importLabels } from "@/app/api/v1/labels/import/route";
import { POST as bulkLabel } from "@/app/api/v1/labels/bulk/route";
import { deleteDetector } from "@/lib/server/queries/detectors";

const session = vi.hoisted(() => ({ id: "an" }));
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: session.id, sid: `s-${session.id}` } }) }));
withTestDatabase();
withSignedInUser("an", "ANALYST");
withSignedInUser("op", "OPERATOR");

const T = (m: number) => new Date(Date.UTC(2026, 2, 1, 0, m));
const base = "http://localhost/api/v1";
const label = (id: string, body: unknown) => postLabel(jsonRequest("POST", `${base}/anomalies/${id}/labels`, body), routeContext(id));
const history = async (id: string) => ZLabelHistory.parse(await (await getLabels(new NextRequest(`${base}/anomalies/${id}/labels`), routeContext(id))).json());
const csvImport = (text: string) => importLabels(new NextRequest(`${base}/labels/import`, { method: "POST", headers: { "content-type": "text/csv" }, body: text }), routeContext());

beforeAll(async () => {
  const prisma = getPrisma();
  await prisma.dataSource.create({ data: { id: "src", name: "src", kind: "HTTP_PUSH" } });
  await prisma.series.create({ data: { id: "s1", sourceId: "src", metric: "cpu" } });
  await prisma.series.create({ data: { id: "s2", sourceId: "src", metric: "mem", labelsKey: "x" } });
  for (const [id, name] of [["det", "det"], ["gone", "doomed"]]) {
    await prisma.detector.create({ data: { id, name, algorithm: "zscore", series: { create: [{ seriesId: "s1" }] } } });
  }
  const a = (id: string, detectorId: string, from: number, to: number, extra = {}) =>
    prisma.anomaly.create({ data: { id, detectorId, seriesId: "s1", startTs: T(from), endTs: T(to), peakTs: T(from), peakScore: 0.9, severity: "HIGH", ...extra } });
  await a("a1", "det", 10, 20);
  await a("a2", "det", 21, 22, { detection: "MERGED", mergedIntoId: "a1" });
  await a("a3", "det", 40, 41);
  await a("g1", "gone", 10, 12);
});

describe("labels", () => {
  it("a change is a new row; the current label is the latest; both are in the history", async () => {
    session.id = "an";
    expect((await label("a1", { value: "TRUE_POSITIVE" })).status).toBe(201);
    const res = await label("a1", { value: "FALSE_POSITIVE", reason: "NOISE", note: "flappy" });
    expect(res.status).toBe(201);
    const h = ZLabelHistory.parse(await res.json());
    expect(h.current).toMatchObject({ value: "FALSE_POSITIVE", reason: "NOISE", note: "flappy", user: { email: "an@example.com" } });
    expect(h.items.map((l) => l.value)).toEqual(["FALSE_POSITIVE", "TRUE_POSITIVE"]);
    const acts = (await (await activity(new NextRequest(`${base}/anomalies/a1/activity`), routeContext("a1"))).json()) as { items: { kind: string; details: { value: string } }[] };
    expect(acts.items.filter((x) => x.kind === "label").map((x) => x.details.value)).toEqual(["TRUE_POSITIVE", "FALSE_POSITIVE"]);
  });

  it("a label on an incident merged into another counts for that one", async () => {
    await label("a2", { value: "TRUE_POSITIVE", reason: "OTHER", note: "part of the same outage" });
    const h = await history("a1");
    expect(h.current).toMatchObject({ anomalyId: "a2", value: "TRUE_POSITIVE" });
    expect(h.items).toHaveLength(3);
  });

  it("the queue shows and filters by the current label", async () => {
    const page = async (qs: string) => ((await (await listAnomalies(new NextRequest(`${base}/anomalies?${qs}`), routeContext())).json()) as { items: { id: string; label: string | null }[] }).items;
    expect((await page("detectorId=det")).map((a) => [a.id, a.label])).toEqual([["a3", null], ["a1", "TRUE_POSITIVE"]]);
    expect((await page("label=TRUE_POSITIVE")).map((a) => a.id)).toEqual(["a1"]);
    // a1's earlier FALSE_POSITIVE is history, not its current label.
    expect((await page("label=FALSE_POSITIVE")).map((a) => a.id)).toEqual([]);
    expect((await page("label=NONE&detectorId=det")).map((a) => a.id)).toEqual(["a3"]);
  });

  it("refuses operators (403), bad values and an OTHER reason without a note (422 naming the field)", async () => {
    session.id = "op";
    expect((await label("a3", { value: "TRUE_POSITIVE" })).status).toBe(403);
    session.id = "an";
    const bad = await label("a3", { value: "MAYBE" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("value");
    const other = await label("a3", { value: "FALSE_POSITIVE", reason: "OTHER" });
    expect(((await other.json()) as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("note");
    expect((await label("nope", { value: "UNSURE" })).status).toBe(404);
  });
});

describe("missed spans", () => {
  const post = (body: unknown) => postMissed(jsonRequest("POST", `${base}/labels/missed`, body), routeContext());
  it("marks a span once; bad spans and foreign series are 422s naming the field", async () => {
    const body = { detectorId: "det", seriesId: "s1", start: T(60).toISOString(), end: T(65).toISOString(), note: "slow leak" };
    const first = await post(body);
    expect(first.status).toBe(201);
    expect(ZMissed.parse(await first.json())).toMatchObject({ start: body.start, end: body.end, user: { email: "an@example.com" } });
    expect((await post(body)).status).toBe(200);
    const back = await post({ ...body, end: body.start });
    expect(((await back.json()) as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("end");
    const foreign = await post({ ...body, seriesId: "s2" });
    expect(foreign.status).toBe(422);
    expect(((await foreign.json()) as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("seriesId");
    const list = (await (await listMissed(new NextRequest(`${base}/labels/missed?detectorId=det`), routeContext())).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(1);
  });
});

describe("export and import", () => {
  it("exports every label row and missed span; importing the export changes nothing", async () => {
    const json = (await (await exportLabels(new NextRequest(`${base}/labels/export?detectorId=det`), routeContext())).json()) as { rows: { kind: string; anomalyId: string }[] };
    expect(json.rows.map((r) => r.kind)).toEqual(["TRUE_POSITIVE", "FALSE_POSITIVE", "TRUE_POSITIVE", "MISSED"]);
    const csvRes = await exportLabels(new NextRequest(`${base}/labels/export?detectorId=det&format=csv`), routeContext());
    expect(csvRes.headers.get("content-type")).toContain("text/csv");
    const csv = await csvRes.text();
    const again = await csvImport(csv);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ labels: 0, missed: 0, skipped: 4 });
    expect(await getPrisma().anomalyLabel.count()).toBe(3);
  });

  it("imports labels from elsewhere, matching the detector by name, onto the overlapping incident", async () => {
    const row = "kind,detectorId,detectorName,seriesId,start,end,reason,note,labelledBy,labelledAt\n" +
      `FALSE_POSITIVE,other-instance-id,det,s1,${T(40).toISOString()},${T(41).toISOString()},EXPECTED_EVENT,deploy,someone@elsewhere.test,2026-02-01T00:00:00Z\n`;
    expect(await (await csvImport(row)).json()).toEqual({ labels: 1, missed: 0, skipped: 0 });
    expect(await (await csvImport(row)).json()).toEqual({ labels: 0, missed: 0, skipped: 1 });
    // Attributed to the importer (the author has no account here), recorded on a3's history.
    expect((await history("a3")).current).toMatchObject({ value: "FALSE_POSITIVE", reason: "EXPECTED_EVENT", note: "deploy", user: { id: "an" }, createdAt: "2026-02-01T00:00:00.000Z" });
  });

  it("a bad row fails the whole import with a 422 naming row and field", async () => {
    const csv = "kind,detectorId,seriesId,start,end\n" +
      `UNSURE,det,s1,${T(40).toISOString()},${T(41).toISOString()}\n` +
      `UNSURE,det,s1,not-a-time,${T(41).toISOString()}\n` +
      `UNSURE,det,nope,${T(40).toISOString()},${T(41).toISOString()}\n`;
    const res = await csvImport(csv);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual(["rows[2].start"]);
    const unknown = await csvImport(csv.split("\n").filter((_, i) => i !== 2).join("\n"));
    expect(((await unknown.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual(["rows[2].seriesId"]);
    const json = await importLabels(jsonRequest("POST", `${base}/labels/import`, { rows: "x" }), routeContext());
    expect(json.status).toBe(422);
    expect(await getPrisma().anomalyLabel.count({ where: { value: "UNSURE" } })).toBe(0);
  });

  it("refuses an import past 10 MB while reading it (no Content-Length), before parsing any row", async () => {
    const body = spaces(30_000_000);
    const res = await importLabels(new NextRequest(`${base}/labels/import`, { method: "POST", headers: { "content-type": "text/csv" }, body: body.stream, duplex: "half" } as never), routeContext());
    expect({ status: res.status, message: (await res.json()).error.message }).toEqual({ status: 413, message: "Body exceeds 10000000 bytes; split the import into several files" });
    expect(body.sent()).toBeLessThan(11_000_000);
  });
});

/** `total` bytes of spaces in 64 KB chunks, streamed without a Content-Length; `sent()` is how much was pulled. */
function spaces(total: number) {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= total) return c.close();
      sent += 65_536;
      c.enqueue(new Uint8Array(65_536).fill(0x20));
    },
  });
  return { stream, sent: () => sent };
}

describe("deleting a detector", () => {
  it("keeps its labels (detached from the deleted incidents) and its missed spans", async () => {
    await label("g1", { value: "TRUE_POSITIVE" });
    await postMissed(jsonRequest("POST", `${base}/labels/missed`, { detectorId: "gone", seriesId: "s1", start: T(1).toISOString(), end: T(2).toISOString() }), routeContext());
    await deleteDetector("gone", "an");
    const kept = await getPrisma().anomalyLabel.findMany({ where: { detectorId: "gone" } });
    expect(kept).toMatchObject([{ anomalyId: null, seriesId: "s1", startTs: T(10), endTs: T(12), value: "TRUE_POSITIVE" }]);
    expect(await getPrisma().missedAnomaly.count({ where: { seriesId: "s1", startTs: T(1) } })).toBe(1);
    const json = (await (await exportLabels(new NextRequest(`${base}/labels/export?detectorId=gone`), routeContext())).json()) as { rows: unknown[] };
    expect(json.rows).toHaveLength(1);
  });
});

describe("bulk labels", () => {
  const bulk = (body: unknown) => bulkLabel(jsonRequest("POST", `${base}/labels/bulk`, body), routeContext());

  it("labels many anomalies in one request, each a history row with its activity; an unknown id refuses all", async () => {
    session.id = "an";
    const before = await getPrisma().anomalyLabel.count();
    const bad = await bulk({ ids: ["a3", "nope"], value: "UNSURE" });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.issues[0].path).toBe("ids.1");
    expect(await getPrisma().anomalyLabel.count()).toBe(before);
    const res = await bulk({ ids: ["a1", "a3"], value: "UNSURE", reason: "OTHER", note: "batch" });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ labelled: 2 });
    expect((await history("a3")).current).toMatchObject({ value: "UNSURE", reason: "OTHER", note: "batch" });
    expect((await history("a1")).current?.value).toBe("UNSURE");
    expect(await getPrisma().anomalyActivity.count({ where: { anomalyId: "a3", kind: "label" } })).toBeGreaterThanOrEqual(1);
  });

  it("refuses operators, repeated ids and too many at once", async () => {
    session.id = "op";
    expect((await bulk({ ids: ["a1"], value: "TRUE_POSITIVE" })).status).toBe(403);
    session.id = "an";
    expect((await bulk({ ids: ["a1", "a1"], value: "TRUE_POSITIVE" })).status).toBe(422);
    expect((await bulk({ ids: Array.from({ length: 501 }, (_, i) => `x${i}`), value: "TRUE_POSITIVE" })).status).toBe(422);
  });
});
