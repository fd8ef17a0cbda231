/**
 * Documented answers match real ones, for the feedback routes: labels (bulk, missed spans, export,
 * import) and, per detector, evaluation, a threshold's what-if and its application, model versions
 * compared and activated, suppression rules (list, create, edit, what-if, proposals, removal). Real handlers over real detection runs
 * and training on a real database and Redis; each answer validated against the served document
 * (test/documented-responses.ts).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest as send, routeContext as ctx, withRouteQueues } from "@/test/route-requests";
import { FEEDBACK_PATHS, documentedSchema, expectDocumented, provenOperations } from "@/test/documented-responses";
import { OPERATIONS } from "@/lib/openapi/operations";
import { getPrisma } from "@/lib/server/db";
import { createRng } from "@/lib/detection";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runTraining } from "@/lib/pipeline/train-run";
import { STEP_MS, T0, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { POST as postLabel } from "@/app/api/v1/anomalies/[id]/labels/route";
import * as bulkLabels from "@/app/api/v1/labels/bulk/route";
import * as missed from "@/app/api/v1/labels/missed/route";
import * as exported from "@/app/api/v1/labels/export/route";
import * as imported from "@/app/api/v1/labels/import/route";
import * as evaluation from "@/app/api/v1/detectors/[id]/evaluation/route";
import * as whatIf from "@/app/api/v1/detectors/[id]/what-if/route";
import * as threshold from "@/app/api/v1/detectors/[id]/threshold/route";
import * as models from "@/app/api/v1/detectors/[id]/models/route";
import * as activate from "@/app/api/v1/detectors/[id]/models/[modelId]/activate/route";
import * as rules from "@/app/api/v1/detectors/[id]/suppression-rules/route";
import * as rule from "@/app/api/v1/detectors/[id]/suppression-rules/[ruleId]/route";
import * as ruleWhatIf from "@/app/api/v1/detectors/[id]/suppression-rules/what-if/route";
import * as suggestions from "@/app/api/v1/detectors/[id]/suppression-rules/suggestions/route";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withTestDatabase();
withRouteQueues(["detect", "train"]);

const BASE = "http://vigil.test:3000/api/v1";
const V1 = "/api/v1";
const D = `${V1}/detectors/{id}`;
const iso = (i: number) => new Date(T0 + i * STEP_MS).toISOString();

/** Large spikes (true anomalies) and mild bumps (false positives the labels call noise) on noise. */
const N = 800;
const SPIKES = Array.from({ length: 8 }, (_, k) => 120 + k * 80);
const BUMPS = Array.from({ length: 20 }, (_, k) => 101 + k * 33).filter((i) => !SPIKES.some((s) => Math.abs(s - i) < 5));
function generate(): number[] {
  const rng = createRng(14);
  const v = Array.from({ length: N }, () => 100 + rng.normal());
  for (const i of SPIKES) v[i] += 12;
  for (const i of BUMPS) v[i] += 3.6;
  return v;
}

let pair: { detectorId: string; seriesId: string };
let id = "";
const period = `from=${iso(0)}&to=${iso(N - 1)}`;

beforeAll(async () => {
  pair = await createPair({ threshold: 0.3, params: { window: 100, minPoints: 20, calibration: { enabled: false } } });
  id = pair.detectorId;
  await writePoints(pair.seriesId, generate());
  await runDetection(pair);
  const found = await getPrisma().anomaly.findMany({ where: pair, orderBy: { startTs: "asc" } });
  for (const a of found) {
    const spike = SPIKES.some((i) => T0 + i * STEP_MS >= a.startTs.getTime() && T0 + i * STEP_MS <= a.endTs.getTime());
    const res = await postLabel(send("POST", `${BASE}/anomalies/${a.id}/labels`, spike ? { value: "TRUE_POSITIVE" } : { value: "FALSE_POSITIVE", reason: "NOISE" }), ctx(a.id));
    expect(res.status).toBe(201);
  }
});

describe("feedback answers match their documented schemas", () => {
  it("evaluation with suggestions, a threshold's what-if, applying it, and the evaluation saying so", async () => {
    const ev = await expectDocumented("GET", `${D}/evaluation`, await evaluation.GET(send("GET", `${BASE}/detectors/${id}/evaluation?${period}`), ctx(id)));
    expect(ev.curve.length).toBe(95);
    expect(ev.suggestions.needLabels).toBeNull();
    const suggested = ev.suggestions.bestF1.threshold;
    const wi = await expectDocumented("GET", `${D}/what-if`, await whatIf.GET(send("GET", `${BASE}/detectors/${id}/what-if?${period}&threshold=${suggested}`), ctx(id)));
    expect(wi.perDay.length).toBeGreaterThan(0);
    const applied = await expectDocumented("POST", `${D}/threshold`, await threshold.POST(send("POST", `${BASE}/detectors/${id}/threshold`, { threshold: suggested, basis: "suggestion" }), ctx(id)));
    expect(applied).toEqual({ previous: 0.3, threshold: suggested, effect: "redetect" });
    const again = await expectDocumented("GET", `${D}/evaluation`, await evaluation.GET(send("GET", `${BASE}/detectors/${id}/evaluation?${period}`), ctx(id)));
    expect(again.lastApplied).toMatchObject({ from: 0.3, to: suggested, basis: "suggestion", by: "admin@example.com" });
    await threshold.POST(send("POST", `${BASE}/detectors/${id}/threshold`, { threshold: 0.3, basis: "undo" }), ctx(id));
  });

  it("suppression rules: proposals, what-if, create, list, edit, remove", async () => {
    const proposed = await expectDocumented("GET", `${D}/suppression-rules/suggestions`, await suggestions.GET(send("GET", `${BASE}/detectors/${id}/suppression-rules/suggestions?${period}`), ctx(id)));
    const conditions = { hourFrom: 1, hourTo: 5, weekdays: [], scoreBelow: 0.9 };
    const q = `${period}&hourFrom=1&hourTo=5&scoreBelow=0.9`;
    const wi = await expectDocumented("GET", `${D}/suppression-rules/what-if`, await ruleWhatIf.GET(send("GET", `${BASE}/detectors/${id}/suppression-rules/what-if?${q}`), ctx(id)));
    expect(wi.falsePositives.flagged).toBeGreaterThan(0);
    const created = await expectDocumented("POST", `${D}/suppression-rules`, await rules.POST(send("POST", `${BASE}/detectors/${id}/suppression-rules`, conditions), ctx(id)), 201);
    await expectDocumented("GET", `${D}/suppression-rules`, await rules.GET(send("GET", `${BASE}/detectors/${id}/suppression-rules`), ctx(id)));
    const ruleCtx = { params: Promise.resolve({ id, ruleId: created.id }) };
    await expectDocumented("PATCH", `${D}/suppression-rules/{ruleId}`, await rule.PATCH(send("PATCH", `${BASE}/detectors/${id}/suppression-rules/${created.id}`, { note: "night noise" }), ruleCtx));
    const removed = await expectDocumented("DELETE", `${D}/suppression-rules/{ruleId}`, await rule.DELETE(send("DELETE", `${BASE}/detectors/${id}/suppression-rules/${created.id}`), ruleCtx));
    expect(removed).toEqual({ deleted: created.id, released: created.suppressing });
    expect(proposed.items.length, JSON.stringify(proposed.items)).toBeGreaterThan(0);
  });

  it("model versions compared on the same period, and the older one activated", async () => {
    const lof = await createPair({ algorithm: "lof", params: { shingleSize: 1 }, threshold: 0.5 });
    const values = sineWithSpikes(1500, [500, 1400]);
    await writePoints(lof.seriesId, values.slice(0, 1000));
    await runDetection(lof);
    await runTraining({ detectorId: lof.detectorId });
    await writePoints(lof.seriesId, values.slice(1000), 1000);
    await runDetection(lof);
    await runTraining({ detectorId: lof.detectorId });
    const compared = await expectDocumented("GET", `${D}/models`, await models.GET(send("GET", `${BASE}/detectors/${lof.detectorId}/models?from=${iso(0)}&to=${iso(1499)}`), ctx(lof.detectorId)));
    const versions = compared.series[0].versions;
    expect(versions.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([[2, true], [1, false]]);
    expect(versions[0].metrics).not.toBeNull();
    const older = versions[1].id;
    const activated = await expectDocumented(
      "POST",
      `${D}/models/{modelId}/activate`,
      await activate.POST(send("POST", `${BASE}/detectors/${lof.detectorId}/models/${older}/activate`), { params: Promise.resolve({ id: lof.detectorId, modelId: older }) }),
    );
    expect(activated).toMatchObject({ seriesId: lof.seriesId, previous: { version: 2 }, active: { id: older, version: 1 } });
  });

  it("labels: bulk, missed spans, export and import", async () => {
    const open = await getPrisma().anomaly.findMany({ where: pair, orderBy: { startTs: "asc" }, take: 2, select: { id: true } });
    const bulk = await expectDocumented("POST", `${V1}/labels/bulk`, await bulkLabels.POST(send("POST", `${BASE}/labels/bulk`, { ids: open.map((a) => a.id), value: "UNSURE" }), ctx()), 201);
    expect(bulk).toMatchObject({ labelled: 2 });
    const span = { detectorId: id, seriesId: pair.seriesId, start: iso(700), end: iso(705), note: "slow drift" };
    await expectDocumented("POST", `${V1}/labels/missed`, await missed.POST(send("POST", `${BASE}/labels/missed`, span), ctx()), 201);
    const spans = await expectDocumented("GET", `${V1}/labels/missed`, await missed.GET(send("GET", `${BASE}/labels/missed?detectorId=${id}`), ctx()));
    expect(spans.items).toMatchObject([{ note: "slow drift", user: { id: "admin" } }]);
    const out = await expectDocumented("GET", `${V1}/labels/export`, await exported.GET(send("GET", `${BASE}/labels/export?detectorId=${id}`), ctx()));
    expect(out.rows.filter((r: { kind: string }) => r.kind === "MISSED")).toHaveLength(1);
    expect(out.rows.length).toBeGreaterThan(10);
    const res = await imported.POST(send("POST", `${BASE}/labels/import`, { rows: out.rows }), ctx());
    const back = await expectDocumented("POST", `${V1}/labels/import`, res);
    expect(back.labels + back.missed + back.skipped).toBe(out.rows.length);
  });

  it("a missing or renamed field fails the documented schema", async () => {
    const body = await (await whatIf.GET(send("GET", `${BASE}/detectors/${id}/what-if?${period}&threshold=0.5`), ctx(id))).json();
    const validate = await documentedSchema("GET", `${D}/what-if`, 200);
    expect(validate(body)).toBe(true);
    const { sentence, ...rest } = body;
    expect(validate(rest)).toBe(false);
    expect(validate({ ...rest, summary: sentence })).toBe(false);
  });

  it("covered every feedback operation that declares a response", () => {
    const declared = OPERATIONS.filter((o) => o.response && (FEEDBACK_PATHS.test(o.path) || o.path.startsWith(`${V1}/labels/`))).map((o) => `${o.method} ${o.path}`);
    expect(declared.length).toBe(16);
    expect(declared.filter((o) => !provenOperations().has(o))).toEqual([]);
  });
});
