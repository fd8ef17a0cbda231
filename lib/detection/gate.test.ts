import { describe, expect, it } from "vitest";
import { runSplit, syntheticSeries } from "./common/testing";
import { gateParams, gateScore, type GateState } from "./gate";
import { createDetector, createMemberDetector, getDefinition } from "./registry";

/** The gate's outputs for a sequence of calibrated scores (decades: 0.5 = 2.5686, 0.8 = 10.27). */
function gated(scores: number[], params: Record<string, unknown>): number[] {
  const p = gateParams(true).parse(params);
  const g: GateState = { open: false, below: 0, peak: 0, inRun: false };
  return scores.map((s) => gateScore(p, g, s));
}

describe("incident gate", () => {
  it("keeps the opening run, absorbs a return above the threshold while the incident is open", () => {
    // 0.6 opens, 0.55 continues the run, 0.2 breaks it, 0.6 returns within closeAfter 3: absorbed (x 0.25).
    const out = gated([0.1, 0.6, 0.55, 0.2, 0.6, 0.1], { closeAfter: 3 });
    expect(out).toEqual([0.1, 0.6, 0.55, 0.2 * 0.25, 0.6 * 0.25, 0.1 * 0.25]);
  });

  it("with keep point only the opening point keeps its score", () => {
    const out = gated([0.6, 0.55, 0.58], { keep: "point" });
    expect(out).toEqual([0.6, 0.55 * 0.25, 0.58 * 0.25]);
  });

  it("closes after closeAfter points in a row below openAbove, and the next high point opens a new incident", () => {
    // Two lows close (closeAfter 2); the low after the high in between restarts the count.
    const out = gated([0.6, 0.1, 0.7, 0.1, 0.1, 0.6], { closeAfter: 2, keep: "point", escalate: 1000 });
    expect(out).toEqual([0.6, 0.025, 0.7 * 0.25, 0.025, 0.025, 0.6]);
  });

  it("escalates: a point twice the incident's peak in decades reports inside the incident", () => {
    // 0.6 = 3.85 decades. 0.7 = 5.99 (< 7.71): absorbed, peak 5.99. 0.8 = 10.27 (< 11.99): absorbed.
    // 0.83 = 12.54 (< 20.55): absorbed, peak 12.54. 0.92 = 29.54 (>= 25.08): reports.
    const out = gated([0.6, 0.1, 0.7, 0.8, 0.83, 0.92], { closeAfter: 10, keep: "point" });
    expect(out.map((s) => Number(s.toFixed(6)))).toEqual([0.6, 0.025, 0.175, 0.2, 0.2075, 0.92]);
  });

  it("an escalation starts a run of its own under keep run", () => {
    const out = gated([0.6, 0.2, 0.9, 0.85, 0.3], { closeAfter: 10 });
    expect(out).toEqual([0.6, 0.05, 0.9, 0.85, 0.075]);
  });

  it("leaves scores below openAbove alone outside incidents", () => {
    expect(gated([0.1, 0.49, 0.3], {})).toEqual([0.1, 0.49, 0.3]);
  });

  it("changes nothing when disabled, and resumes exactly from serialized state when on", () => {
    const def = getDefinition("robust-zscore");
    // A noisy series with a flickering incident: every other point 8 units up for 20 points.
    const obs = syntheticSeries(3000).map((o, i) => (i >= 2000 && i < 2020 && i % 2 === 0 ? { ...o, values: [o.values[0] + 8] } : o));
    const off = runSplit(def, { gate: { enabled: false } }, obs, 1234);
    expect(off.all.some((s) => s.score >= 0.5)).toBe(true);
    const on = runSplit(def, { gate: { enabled: true, closeAfter: 20 } }, obs, 1234);
    expect(on.split).toEqual(on.all);
    const starts = (xs: { score: number; skipped?: string }[]) =>
      xs.filter((s, i) => !s.skipped && s.score >= 0.5 && !(i > 0 && xs[i - 1].score >= 0.5)).length;
    expect(starts(on.all)).toBeLessThan(starts(off.all));
  });

  it("inside an ensemble a member's gate is off unless its params turn it on (the ensemble decides incidents)", () => {
    const obs = syntheticSeries(1500);
    const run = (d: ReturnType<typeof createDetector>) => obs.map((o) => d.update(o).score);
    const member = run(createDetector("ensemble", { members: [{ kind: "zscore" }] }));
    expect(member).toEqual(run(createDetector("zscore", { gate: { enabled: false } })));
    const gatedMember = run(createDetector("ensemble", { members: [{ kind: "zscore", params: { gate: { enabled: true } } }] }));
    expect(gatedMember).toEqual(run(createDetector("zscore", { gate: { enabled: true } })));
  });

  it("is on by default for zscore, robust-zscore, ewma and seasonal, off for change-point", () => {
    const enabled = (kind: string) => (getDefinition(kind).params.parse({}) as { gate: { enabled: boolean } }).gate.enabled;
    expect(["zscore", "robust-zscore", "ewma", "seasonal", "change-point"].map(enabled)).toEqual([true, true, true, true, false]);
  });

  it("a state saved without the gate (before the default changed) resumes without it, score for score", () => {
    // Flickering incidents every 500 points, so the gate changes scores wherever it runs.
    const obs = syntheticSeries(4000).map((o, i) => (i % 500 < 20 && i % 2 === 0 && i > 1000 ? { ...o, values: [o.values[0] + 8] } : o));
    for (const kind of ["zscore", "robust-zscore", "ewma", "seasonal"]) {
      const before = { gate: { enabled: false } };
      const whole = createDetector(kind, before);
      const all = obs.map((o) => whole.update(o));
      const old = createDetector(kind, before);
      const head = obs.slice(0, 2500).map((o) => old.update(o));
      const saved = JSON.parse(JSON.stringify(old.getState())) as Record<string, unknown>;
      expect(saved).not.toHaveProperty("gate");
      // Deployed: stored params without `gate` now parse to the default, on.
      const resumed = createDetector(kind, {}, saved);
      const tail = obs.slice(2500).map((o) => resumed.update(o));
      expect([...head, ...tail]).toEqual(all);
      expect(resumed.getState()).not.toHaveProperty("gate");
      // A new detector of the kind is gated: the same points score otherwise.
      const fresh = createDetector(kind, {});
      expect(obs.map((o) => fresh.update(o).score)).not.toEqual(all.map((s) => s.score));
    }
  });

  it("a member scored alone (the anomaly page's driver) is created as the ensemble creates it", () => {
    const obs = syntheticSeries(1500);
    const run = (d: ReturnType<typeof createDetector>) => obs.map((o) => d.update(o).score);
    const off = { gate: { enabled: false }, calibration: { likelihood: { enabled: false } } };
    expect(run(createMemberDetector("seasonal", {}))).toEqual(run(createDetector("seasonal", off)));
    expect(run(createMemberDetector("zscore", { gate: { enabled: true } }))).toEqual(run(createDetector("zscore", {})));
  });
});
