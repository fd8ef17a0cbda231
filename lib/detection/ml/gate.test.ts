/**
 * Issue 13 (branch mlgate13): the incident gate (gate.ts) on the trained kinds. On by default where the
 * held-out figures improved; a series' single values only (a group's steps pass untouched); a state saved
 * before the gate keeps scoring without it until the next training.
 */
import { describe, expect, it } from "vitest";
import { gateParams, gateScore, type GateState } from "@/lib/detection/gate";
import { createDetector, getDefinition } from "@/lib/detection/registry";
import type { Observation, Scored } from "@/lib/detection/types";
import { sineSeries } from "./testing/synthetic";

/** Kinds whose gate is on by default (lib/detection/ml/README.md, "Incident gate"). */
const GATED_BY_DEFAULT = ["autoencoder", "gaussian-mixture", "one-class-svm"];
const ML_KINDS = ["isolation-forest", "random-cut-forest", "lof", "kmeans", "autoencoder", "lstm", "one-class-svm", "gaussian-mixture", "dbscan", "pca", "subsequence-pca"];

/** A daily-ish sine with noise, and from `flickerAt` a 40-point incident that flickers (every other point 3 units up). */
function series(n: number, t0: number, flickerAt = -1): Observation[] {
  return sineSeries(n, t0 + 1, 48, 0.15).map((v, i) => {
    const up = flickerAt >= 0 && i >= flickerAt && i < flickerAt + 40 && i % 2 === 0 ? 3 : 0;
    return { t: t0 + i * 60_000, values: [5 + 2 * v + up] };
  });
}
const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const scores = (xs: Scored[]) => xs.map((s) => s.score);
const starts = (xs: Scored[]) => xs.filter((s, i) => !s.skipped && s.score >= 0.5 && !(i > 0 && xs[i - 1].score >= 0.5)).length;

describe("incident gate on trained kinds", () => {
  it.each(ML_KINDS)("%s takes the gate, on by default only where chosen", (kind) => {
    const p = getDefinition(kind).params.parse({}) as { gate: { enabled: boolean } };
    expect(p.gate.enabled).toBe(GATED_BY_DEFAULT.includes(kind));
  });

  const history = series(800, 0);
  const live = series(600, 800 * 60_000, 300);

  it("kmeans: gated, one incident reports fewer starts; split and resumed exactly", () => {
    const run = (params: Record<string, unknown>) => {
      const d = createDetector("kmeans", params);
      d.train!(history);
      return live.map((o) => d.update(o));
    };
    const off = run({ gate: { enabled: false } });
    const on = run({ gate: { enabled: true } });
    expect(starts(off)).toBeGreaterThan(1);
    expect(starts(on)).toBeLessThan(starts(off));

    const first = createDetector("kmeans", { gate: { enabled: true } });
    first.train!(history);
    const head = live.slice(0, 320).map((o) => first.update(o));
    const saved = roundTrip(first.getState()) as Record<string, unknown>;
    expect(saved.gate).toMatchObject({ open: true });
    const resumed = createDetector("kmeans", { gate: { enabled: true } }, saved);
    expect(scores([...head, ...live.slice(320).map((o) => resumed.update(o))])).toEqual(scores(on));
  });

  it.each(["kmeans", "pca", ...GATED_BY_DEFAULT])("%s: a model saved without gate state scores ungated until its next training", (kind) => {
    // The kinds gated by default resume under their defaults (as a saved detector does on deploy).
    const on = GATED_BY_DEFAULT.includes(kind) ? {} : { gate: { enabled: true } };
    const old = createDetector(kind, { gate: { enabled: false } });
    old.train!(history);
    const saved = roundTrip(old.getState()) as Record<string, unknown>;
    expect(saved).not.toHaveProperty("gate");
    const expected = scores(live.map((o) => old.update(o)));
    const resumed = createDetector(kind, on, roundTrip(saved));
    expect(scores(live.map((o) => resumed.update(o)))).toEqual(expected);
    expect(resumed.getState()).not.toHaveProperty("gate");

    // From the next training on, the gate applies: the retrained model's scores, gated.
    const retrain = (enabled: boolean) => {
      const d = createDetector(kind, enabled ? on : { gate: { enabled } }, roundTrip(saved));
      d.train!(history);
      return d;
    };
    const plain = retrain(false);
    const ungated = scores(live.map((o) => plain.update(o)));
    const g: GateState = { open: false, below: 0, peak: 0, inRun: false };
    const p = gateParams(true).parse({});
    const retrained = retrain(true);
    expect(scores(live.map((o) => retrained.update(o)))).toEqual(ungated.map((s) => gateScore(p, g, s)));
    expect(retrained.getState()).toHaveProperty("gate");
  });

  it("a group's steps pass the gate untouched (attribution stays the step's own)", () => {
    const group = (obs: Observation[]) => obs.map((o, i) => ({ t: o.t, values: [o.values[0], 2 * o.values[0] + (i % 3), -o.values[0]] }));
    const run = (params: Record<string, unknown>) => {
      const d = createDetector("kmeans", params);
      d.train!(group(history));
      return live.length ? group(live).map((o) => d.update(o)) : [];
    };
    const off = run({ gate: { enabled: false } });
    expect(off.some((s) => s.score >= 0.5)).toBe(true);
    expect(run({ gate: { enabled: true } })).toEqual(off);
  });
});
