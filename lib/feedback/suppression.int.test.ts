/**
 * Suppression rules through the API on a real database: a nightly job at 02:xx UTC raises false
 * alarms an analyst labels; the suggestions propose that hour with its what-if; an analyst may
 * not apply it, an admin does; the incidents are kept, marked and left out of the queue unless
 * asked; new incidents at that hour are marked as they are derived; disabling, editing and
 * removing re-mark them; every change is audited.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest, routeContext, withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { createRng } from "@/lib/detection";
import { runDetection } from "@/lib/pipeline/detect-run";
import { STEP_MS, T0, createPair, writePoints } from "@/lib/pipeline/testing/fixtures";
import { utcHour } from "@/lib/feedback/suppression";
import { POST as postLabel } from "@/app/api/v1/anomalies/[id]/labels/route";
import { GET as listAnomalies } from "@/app/api/v1/anomalies/route";
import { GET as listRules, POST as postRule } from "@/app/api/v1/detectors/[id]/suppression-rules/route";
import { DELETE as deleteRule, PATCH as patchRule } from "@/app/api/v1/detectors/[id]/suppression-rules/[ruleId]/route";
import { GET as getSuggestions } from "@/app/api/v1/detectors/[id]/suppression-rules/suggestions/route";
import { GET as getWhatIf } from "@/app/api/v1/detectors/[id]/suppression-rules/what-if/route";

const session = vi.hoisted(() => ({ id: "an" }));
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: session.id, sid: `s-${session.id}` } }) }));
vi.mock("@/lib/server/schedules", () => ({ ringDetectorAfterWrite: async () => undefined, syncSchedulesAfterWrite: async () => undefined }));
withTestDatabase();
withSignedInUser("an", "ANALYST");
withSignedInUser("ad", "ADMIN");

// One point a minute from 2026-01-01 00:00 UTC: hour 02 is minutes 120-179 (day 1) and 1560-1619 (day 2).
const BUMPS = [125, 140, 155, 170, 1565, 1580, 1595, 3010, 3030];
const SPIKES = [400, 700, 1000, 1300, 1800];
const N = 2000;
const period = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 3100 * STEP_MS).toISOString()}`;
const ruleCtx = (id: string, ruleId: string) => ({ params: Promise.resolve({ id, ruleId }) });

function generate(n: number, offset = 0): number[] {
  const rng = createRng(7 + offset);
  return Array.from({ length: n }, (_, k) => {
    const i = offset + k;
    return 100 + rng.normal() + (SPIKES.includes(i) ? 12 : 0) + (BUMPS.includes(i) ? 6 : 0);
  });
}

const atHour2 = (a: { startTs: Date }) => utcHour(a.startTs.getTime()) === 2;

let pair: { detectorId: string; seriesId: string };
beforeAll(async () => {
  // The gate is off: the nightly bumps 15 minutes apart are each their own incident here.
  pair = await createPair({ threshold: 0.5, params: { window: 100, minPoints: 20, calibration: { enabled: false }, gate: { enabled: false } } });
  await writePoints(pair.seriesId, generate(N));
  await runDetection(pair);
  session.id = "an";
  for (const a of await getPrisma().anomaly.findMany({ where: pair })) {
    const spike = SPIKES.some((i) => T0 + i * STEP_MS >= a.startTs.getTime() && T0 + i * STEP_MS <= a.endTs.getTime());
    const res = await postLabel(jsonRequest("POST", `http://localhost/api/v1/anomalies/${a.id}/labels`, { value: spike ? "TRUE_POSITIVE" : "FALSE_POSITIVE" }), routeContext(a.id));
    expect(res.status).toBe(201);
  }
});

async function queue(extra = "") {
  const res = await listAnomalies(new NextRequest(`http://localhost/api/v1/anomalies?detectorId=${pair.detectorId}&limit=200${extra}`), routeContext());
  return (await res.json()) as { items: { id: string; suppressedById: string | null }[] };
}

describe("suppression rules learned from false positives", () => {
  let ruleId: string;
  let atTwo: number;

  it("proposes the 02:00-03:00 UTC window with its what-if, and an admin (not an analyst) applies it", async () => {
    const night = (await getPrisma().anomaly.findMany({ where: pair })).filter(atHour2);
    atTwo = night.length;
    expect(atTwo).toBeGreaterThanOrEqual(6);
    const res = await getSuggestions(new NextRequest(`http://localhost/api/v1/detectors/${pair.detectorId}/suppression-rules/suggestions?${period}`), routeContext(pair.detectorId));
    expect(res.status).toBe(200);
    const body = await res.json();
    const hours = body.items.find((p: { kind: string }) => p.kind === "hours");
    expect(hours).toMatchObject({ seriesId: pair.seriesId, hourFrom: 2, hourTo: 3, whatIf: { falsePositives: { removed: atTwo }, truePositives: { found: SPIKES.length, lost: 0 } } });
    expect(hours.whatIf.sentence).toContain(`removed ${atTwo} of`);

    const draft = { seriesId: pair.seriesId, hourFrom: 2, hourTo: 3, origin: "suggestion" };
    expect((await postRule(jsonRequest("POST", "http://localhost/x", draft), routeContext(pair.detectorId))).status).toBe(403);
    session.id = "ad";
    const created = await postRule(jsonRequest("POST", "http://localhost/x", draft), routeContext(pair.detectorId));
    expect(created.status).toBe(201);
    const rule = await created.json();
    expect(rule).toMatchObject({ description: `series ${pair.seriesId}, 02:00–03:00 UTC`, suppressing: atTwo, enabled: true, origin: "suggestion" });
    ruleId = rule.id;
  });

  it("keeps the suppressed incidents, out of the queue unless asked", async () => {
    expect(await getPrisma().anomaly.count({ where: { ...pair, suppressedById: ruleId } })).toBe(atTwo);
    const shown = await queue();
    expect(shown.items.every((a) => a.suppressedById === null)).toBe(true);
    const only = await queue("&suppressed=only");
    expect(only.items).toHaveLength(atTwo);
    expect((await queue("&suppressed=include")).items).toHaveLength(shown.items.length + atTwo);
  });

  it("marks new incidents at that hour as they are derived", async () => {
    await writePoints(pair.seriesId, generate(1200, N), N);
    await runDetection(pair);
    const day3 = (await getPrisma().anomaly.findMany({ where: { ...pair, startTs: { gte: new Date(T0 + 3000 * STEP_MS), lt: new Date(T0 + 3060 * STEP_MS) } } }));
    expect(day3.length).toBeGreaterThan(0);
    expect(day3.every((a) => a.suppressedById === ruleId)).toBe(true);
  });

  it("answers the what-if of an edit, leaving the rule itself out of today's side, and refuses half a window", async () => {
    const url = `http://localhost/x?${period}&seriesId=${pair.seriesId}&hourFrom=2&hourTo=3&excludeRuleId=${ruleId}`;
    const w = await (await getWhatIf(new NextRequest(url), routeContext(pair.detectorId))).json();
    expect(w.truePositives.lost).toBe(0);
    expect(w.falsePositives.removed).toBeGreaterThanOrEqual(atTwo);
    const bad = await getWhatIf(new NextRequest(`http://localhost/x?hourFrom=2`), routeContext(pair.detectorId));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.issues[0].path).toBe("hourTo");
  });

  it("disabling, editing and removing re-mark the incidents; each change is audited", async () => {
    const off = await patchRule(jsonRequest("PATCH", "http://localhost/x", { enabled: false }), ruleCtx(pair.detectorId, ruleId));
    expect(off.status).toBe(200);
    expect(await getPrisma().anomaly.count({ where: { suppressedById: { not: null } } })).toBe(0);
    const narrowed = await (await patchRule(jsonRequest("PATCH", "http://localhost/x", { enabled: true, weekdays: [4] }), ruleCtx(pair.detectorId, ruleId))).json();
    // 2026-01-01 was a Thursday: only day 1's incidents at 02:xx stay suppressed.
    expect(narrowed.suppressing).toBe((await getPrisma().anomaly.findMany({ where: { ...pair, startTs: { lt: new Date(T0 + 1440 * STEP_MS) } } })).filter(atHour2).length);
    const bad = await patchRule(jsonRequest("PATCH", "http://localhost/x", { hourFrom: null }), ruleCtx(pair.detectorId, ruleId));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.issues[0].path).toBe("hourFrom");
    expect((await listRules(new NextRequest("http://localhost/x"), routeContext(pair.detectorId)).then((r) => r.json())).items).toHaveLength(1);
    const gone = await deleteRule(jsonRequest("DELETE", "http://localhost/x"), ruleCtx(pair.detectorId, ruleId));
    expect(await gone.json()).toEqual({ deleted: ruleId, released: narrowed.suppressing });
    expect(await getPrisma().anomaly.count({ where: { suppressedById: { not: null } } })).toBe(0);
    const audit = await getPrisma().auditLog.findMany({ where: { entityId: pair.detectorId, action: { startsWith: "suppression." } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.action, a.userId])).toEqual([["suppression.create", "ad"], ["suppression.disable", "ad"], ["suppression.enable", "ad"], ["suppression.delete", "ad"]]);
  });
});
