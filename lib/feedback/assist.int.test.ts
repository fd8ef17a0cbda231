/**
 * The supervised assist through the API on a real database. A z-score detector flags a generated
 * series' true anomalies (one-point spikes up) and known false positives of the same size that no
 * threshold, hour or weekday rule tells apart (one-point dips, as a collector's gaps read). An
 * analyst labels the first two thirds; the assist's effect on labels it was not trained on is read
 * before an admin turns it on; on the unlabelled last third precision must rise by at least 0.3
 * while recall falls by at most 0.05; new incidents are marked as they are derived; off and the
 * undo re-mark them; every switch is audited. Measured: on the 28 held-out labels (3 folds) the
 * assist removed 19 of 19 false positives and lost no true one (precision 32% -> 100%); on the
 * unlabelled last third precision 0.36 -> 1.00, recall 1.00 -> 1.00 (25 incidents -> 9).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest, routeContext, withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { createRng } from "@/lib/detection";
import { runDetection } from "@/lib/pipeline/detect-run";
import { STEP_MS, T0, createPair, writePoints } from "@/lib/pipeline/testing/fixtures";
import { evaluate, type TruthSpan } from "@/lib/feedback/evaluate";
import type { AssistAnswer } from "@/lib/feedback/assist-schemas";
import { POST as postBulk } from "@/app/api/v1/labels/bulk/route";
import { GET as listAnomalies } from "@/app/api/v1/anomalies/route";
import { GET as getAssist, POST as postAssist } from "@/app/api/v1/detectors/[id]/assist/route";
import { PATCH as patchRule } from "@/app/api/v1/detectors/[id]/suppression-rules/[ruleId]/route";

const session = vi.hoisted(() => ({ id: "an" }));
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: session.id, sid: `s-${session.id}` } }) }));
vi.mock("@/lib/server/schedules", () => ({ ringDetectorAfterWrite: async () => undefined, syncSchedulesAfterWrite: async () => undefined }));
withTestDatabase();
withSignedInUser("an", "ANALYST");
withSignedInUser("ad", "ADMIN");

const N = 4500;
const LABELLED = 3000;
const MORE = 900;
/** Every 60 points from 150: a one-point spike up (true) every third, else a dip as deep (false). */
const EVENTS = Array.from({ length: Math.floor((N + MORE - 200) / 60) }, (_, k) => ({ at: 150 + k * 60, spike: k % 3 === 0 }));
const SPIKES = EVENTS.filter((e) => e.spike).map((e) => e.at);
const at = (i: number) => T0 + i * STEP_MS;

function generate(n: number, offset = 0): number[] {
  const rng = createRng(1616 + offset);
  return Array.from({ length: n }, (_, k) => {
    const i = offset + k;
    const e = EVENTS.find((x) => x.at === i);
    return 100 + rng.normal() + (e ? (e.spike ? 7 : -7) : 0);
  });
}

const isSpike = (a: { startTs: Date; endTs: Date }) => SPIKES.some((i) => at(i) >= a.startTs.getTime() && at(i) <= a.endTs.getTime());

/** Precision and recall of the held-out third's incidents (all, or those not suppressed) against the generated truth. */
async function heldOut(pair: { detectorId: string; seriesId: string }, onlyAlerting: boolean) {
  const rows = await getPrisma().anomaly.findMany({ where: { ...pair, detection: "ACTIVE", startTs: { gte: new Date(at(LABELLED)), lt: new Date(at(N)) }, ...(onlyAlerting ? { suppressedById: null } : {}) } });
  const truth: TruthSpan[] = SPIKES.filter((i) => i >= LABELLED && i < N).map((i) => ({ seriesId: pair.seriesId, start: at(i), end: at(i), kind: "positive", origin: "label" }));
  const m = evaluate(rows.map((a) => ({ seriesId: a.seriesId, start: a.startTs.getTime(), end: a.endTs.getTime() })), truth);
  return { events: m.events, precision: m.tp / Math.max(1, m.events), recall: m.recall! };
}

const read = async (pair: { detectorId: string }) => (await (await getAssist(new NextRequest(`http://localhost/x?from=${new Date(T0).toISOString()}&to=${new Date(at(N + MORE)).toISOString()}`), routeContext(pair.detectorId))).json()) as AssistAnswer;
const post = (pair: { detectorId: string }, body: object) => postAssist(jsonRequest("POST", "http://localhost/x", body), routeContext(pair.detectorId));

let pair: { detectorId: string; seriesId: string };
beforeAll(async () => {
  pair = await createPair({ threshold: 0.5, params: { window: 100, minPoints: 20, calibration: { enabled: false } } });
  await writePoints(pair.seriesId, generate(N));
  await runDetection(pair);
});

describe("supervised assist", () => {
  let ruleId: string;
  let before: Awaited<ReturnType<typeof heldOut>>;

  it("is not ready without labels, then measures its effect on labels it was not trained on", async () => {
    session.id = "an";
    const empty = await read(pair);
    expect(empty.notReady).toBe("needs 30 labelled incidents (true or false positive); has 0");
    expect(empty.effect).toBeNull();

    const first = await getPrisma().anomaly.findMany({ where: { ...pair, startTs: { lt: new Date(at(LABELLED)) } } });
    const tps = first.filter(isSpike).map((a) => a.id);
    const fps = first.filter((a) => !isSpike(a)).map((a) => a.id);
    for (const [ids, value] of [[tps, "TRUE_POSITIVE"], [fps, "FALSE_POSITIVE"]] as const) {
      expect((await postBulk(jsonRequest("POST", "http://localhost/x", { ids, value }), routeContext())).status).toBe(201);
    }
    const a = await read(pair);
    expect(a.labels).toMatchObject({ tp: tps.length, fp: fps.length });
    expect(a.notReady).toBeNull();
    const e = a.effect!;
    expect(e.after.precision! - e.before.precision!).toBeGreaterThanOrEqual(0.3);
    expect(e.after.recall!).toBeGreaterThanOrEqual(e.before.recall! - 0.05);
    // Direction carries the most weight: every dip is false.
    const top = [...a.proposal!.weights].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight))[0];
    expect(top.feature).toBe("direction (+1 above, -1 below)");
    expect(a.period.filtered).toBeGreaterThan(0);
    expect(a.current).toBeNull();
  });

  it("an admin (not an analyst) turns it on: held-out precision rises, recall holds, and the queue hides what it filters", async () => {
    before = await heldOut(pair, false);
    expect((await post(pair, { enabled: true })).status).toBe(403);
    session.id = "ad";
    const res = await post(pair, { enabled: true });
    expect(res.status).toBe(200);
    const on = await res.json();
    expect(on).toMatchObject({ enabled: true, released: 0, rule: { enabled: true } });
    ruleId = on.rule.ruleId;
    expect(on.rule.filtering).toBe(await getPrisma().anomaly.count({ where: { suppressedById: ruleId } }));

    const after = await heldOut(pair, true);
    // Stated margins: precision up by at least 0.3, recall down by at most 0.05.
    expect(after.precision - before.precision).toBeGreaterThanOrEqual(0.3);
    expect(after.recall).toBeGreaterThanOrEqual(before.recall - 0.05);

    const queue = await (await listAnomalies(new NextRequest(`http://localhost/api/v1/anomalies?detectorId=${pair.detectorId}&limit=200`), routeContext())).json();
    expect(queue.items.every((i: { suppressedById: string | null }) => i.suppressedById === null)).toBe(true);
    expect((await read(pair)).current).toMatchObject({ ruleId, enabled: true, filtering: on.rule.filtering });
  });

  it("marks new incidents as they are derived", async () => {
    await writePoints(pair.seriesId, generate(MORE, N), N);
    await runDetection(pair);
    const fresh = await getPrisma().anomaly.findMany({ where: { ...pair, startTs: { gte: new Date(at(N)) } } });
    const dips = fresh.filter((a) => !isSpike(a) && a.actual !== null && a.expected !== null && a.actual < a.expected);
    expect(dips.length).toBeGreaterThan(5);
    expect(dips.filter((a) => a.suppressedById === ruleId).length).toBeGreaterThanOrEqual(dips.length - 1);
    expect(fresh.filter(isSpike).every((a) => a.suppressedById === null)).toBe(true);
  });

  it("off releases its incidents, the undo restores the same classifier, each switch audited; bad switches are 422s naming the field", async () => {
    const filtering = await getPrisma().anomaly.count({ where: { suppressedById: ruleId } });
    const off = await (await post(pair, { enabled: false })).json();
    expect(off).toMatchObject({ enabled: false, released: filtering, rule: { ruleId, enabled: false } });
    expect(await getPrisma().anomaly.count({ where: { ...pair, suppressedById: { not: null } } })).toBe(0);

    const again = await post(pair, { enabled: false });
    expect(again.status).toBe(422);
    expect((await again.json()).error.issues[0].path).toBe("enabled");
    const stray = await post(pair, { enabled: false, ruleId });
    expect(stray.status).toBe(422);
    expect((await stray.json()).error.issues[0].path).toBe("ruleId");
    const unknown = await post(pair, { enabled: true, ruleId: "nope" });
    expect((await unknown.json()).error.issues[0].path).toBe("ruleId");

    const undo = await (await post(pair, { enabled: true, ruleId })).json();
    expect(undo.rule).toMatchObject({ ruleId, enabled: true, filtering });
    const edit = await patchRule(jsonRequest("PATCH", "http://localhost/x", { scoreBelow: 0.9 }), { params: Promise.resolve({ id: pair.detectorId, ruleId }) });
    expect(edit.status).toBe(422);
    expect((await edit.json()).error.issues[0].path).toBe("scoreBelow");

    const audit = await getPrisma().auditLog.findMany({ where: { entityId: pair.detectorId, action: { startsWith: "assist." } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((r) => [r.action, r.userId, (r.details as { ruleId: string }).ruleId])).toEqual([["assist.enable", "ad", ruleId], ["assist.disable", "ad", ruleId], ["assist.enable", "ad", ruleId]]);
  });
});
