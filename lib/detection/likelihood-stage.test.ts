import { describe, expect, it } from "vitest";
import { zscore } from "./algorithms/zscore";
import { withCalibration } from "./calibrated";
import { runSplit, syntheticSeries } from "./common/testing";
import { toEvents } from "./events";
import { likelihoodStageParams } from "./likelihood-stage";
import { createDetector, createMemberDetector, getDefinition } from "./registry";
import type { Observation } from "./types";

const STAT = ["zscore", "robust-zscore", "ewma", "seasonal", "change-point"];
const on = (extra: Record<string, unknown> = {}) => ({ calibration: { likelihood: { enabled: true, ...extra } }, gate: { enabled: false } });

/** A quiet noisy series with a 40-point level shift at 1500 and a one-point spike at 2500. */
function shifted(): Observation[] {
  return syntheticSeries(3000, 3).map((o, i) =>
    (i >= 1500 && i < 1540) || i === 2500 ? { ...o, values: [o.values[0] + 6] } : o,
  );
}

describe("likelihood stage for a single kind (calibration.likelihood)", () => {
  it("is the default ensemble's stage: after its learning points, span likelihood equals an ensemble of the native kind", () => {
    const obs = syntheticSeries(2500);
    const stage = { shortWindow: 5, longWindow: 1000, learningPoints: 100, minStd: 0.625, pointWeight: 0.75 };
    for (const kind of ["zscore", "seasonal"]) {
      const single = createDetector(kind, on({ span: "likelihood" }));
      const ensemble = createDetector("ensemble", {
        members: [{ kind, params: { calibration: { enabled: false } } }],
        likelihood: { enabled: true, ...stage },
      });
      let compared = 0;
      for (const o of obs) {
        const a = single.update(o);
        const b = ensemble.update(o);
        if (b.skipped) continue;
        expect(a.score, kind).toBe(b.score);
        compared++;
      }
      expect(compared).toBeGreaterThan(1500);
    }
  });

  it("resumes exactly from a JSON round trip of its state", () => {
    const obs = shifted();
    for (const kind of STAT) {
      const { all, split } = runSplit(getDefinition(kind), { ...on(), gate: { enabled: true } }, obs, 1520);
      expect(split, kind).toEqual(all);
    }
  });

  it("hold: the event starts on the likelihood and lasts while the calibrated score stays at or above hold", () => {
    const obs = shifted();
    const d = createDetector("zscore", on({ hold: 0.4 }));
    const scored = obs.map((o) => d.update(o));
    const events = toEvents(scored, { threshold: 0.5 });
    const shift = events.find((e) => e.start >= obs[1495].t && e.start <= obs[1545].t);
    expect(shift).toBeDefined();
    // More than one point long, but not longer than the shift plus the z-score's adaptation.
    const len = scored.filter((s) => s.t >= shift!.start && s.t <= shift!.end && !s.skipped).length;
    expect(len).toBeGreaterThan(3);
    expect(shift!.end).toBeLessThanOrEqual(obs[1600].t);
    // The spike is found too.
    expect(events.some((e) => e.start <= obs[2500].t && e.end >= obs[2500].t)).toBe(true);
    // The span never reports below openAbove while the calibrated score holds.
    const plain = createDetector("zscore", { gate: { enabled: false } });
    const calibrated = obs.map((o) => plain.update(o).score);
    const i = obs.findIndex((o) => o.t === shift!.start);
    for (let k = i; k < obs.length && calibrated[k] >= 0.4; k++) expect(scored[k].score).toBeGreaterThanOrEqual(0.5);
  });

  it("is on by default for seasonal only; a state saved without it resumes without it", () => {
    const enabled = STAT.map((kind) => {
      const p = getDefinition(kind).params.parse({}) as { calibration: { likelihood: { enabled: boolean } } };
      expect(p.calibration.likelihood).toEqual(likelihoodStageParams(p.calibration.likelihood.enabled).parse({}));
      return p.calibration.likelihood.enabled;
    });
    expect(enabled).toEqual([false, false, false, true, false]);
    const def = withCalibration(zscore, { likelihood: true });
    expect((def.params.parse({}) as { calibration: { likelihood: { enabled: boolean } } }).calibration.likelihood.enabled).toBe(true);
    const obs = shifted();
    const before = def.params.parse({ calibration: { likelihood: { enabled: false } } });
    const whole = def.create(before);
    const all = obs.map((o) => whole.update(o));
    const old = def.create(before);
    const head = obs.slice(0, 1200).map((o) => old.update(o));
    const saved = JSON.parse(JSON.stringify(old.getState())) as Record<string, unknown>;
    expect(saved).not.toHaveProperty("likelihood");
    const resumed = def.create(def.params.parse({}), saved);
    const tail = obs.slice(1200).map((o) => resumed.update(o));
    expect([...head, ...tail]).toEqual(all);
    expect(resumed.getState()).not.toHaveProperty("likelihood");
    // A new detector takes the stage: the same points score otherwise.
    const fresh = def.create(def.params.parse({}));
    expect(obs.map((o) => fresh.update(o).score)).not.toEqual(all.map((s) => s.score));
  });

  it("inside an ensemble a member's stage is off unless its params turn it on", () => {
    const obs = syntheticSeries(800);
    const run = (d: ReturnType<typeof createDetector>) => obs.map((o) => d.update(o).score);
    for (const kind of STAT) {
      const off = { gate: { enabled: false }, calibration: { likelihood: { enabled: false } } };
      expect(run(createMemberDetector(kind, {})), kind).toEqual(run(createDetector(kind, off)));
      expect(run(createMemberDetector(kind, on()))).toEqual(run(createDetector(kind, on())));
    }
  });
});
