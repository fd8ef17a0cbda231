/**
 * Persistence for grouped (multivariate) scoring. A small shift held by several members for a while
 * (a quarter of a group moving by 0.6 sd) adds about as much to one step's distance from normal as
 * the members' own noise does: no single step is rare enough to flag. Several such steps in a row
 * are. The wrapper combines the calibrated tail probabilities of the last `steps` scored vectors
 * by Fisher's method (X = -2 Σ ln p is chi-square with 2·steps degrees of freedom when the steps'
 * p are independent and uniform), takes away `penaltyDecades` (the combined view is a second look
 * at the same steps, and neighbouring steps are not quite independent), and reports the rarer of
 * the step's own score and the combined one: a lone spike keeps its own score.
 *
 * It wraps the calibrated definition (it reads tail probabilities), only multivariate steps
 * (a series' single values are left as they are), and is off (`steps: 1`) unless a kind's
 * residuals are close enough to independent from step to step for Fisher's method to hold (see
 * lib/detection/README.md, Persistence). Each step adds at most STEP_CAP_DECADES: a calibrator
 * reading a fixed map (calibration.reference) extrapolates its tail past the 3 decades a window of
 * 1,000 scores can vouch for, and one extreme step would otherwise carry the next `steps - 1`
 * steps over the threshold on its own. State: `{ decades, cap }` under `persistence`, the window's
 * decades oldest first; a state without it resumes with an empty window, one saved as a bare array
 * (before the cap) resumes uncapped, as it was.
 */
import { z } from "zod";
import { decadesToScore, scoreToDecades } from "./common/normal";
import type { Detector, DetectorDefinition, Observation, Scored } from "./types";

const KEY = "persistence";
const MAX_DECADES = 50;
/** Decades one step adds to the combination at most: a one-in-1,000 step (a window of 1,000's rarest). */
export const STEP_CAP_DECADES = 3;

interface PersistenceState {
  decades: number[];
  cap: number;
}

export const persistenceParams = (defaultSteps: number) =>
  z.object({
    steps: z.number().int().min(1).max(64).default(defaultSteps).describe("Steps of a group whose tail probabilities are combined (1: each step alone); series are never combined"),
    penaltyDecades: z.number().min(0).max(10).default(3).describe("Decades of surprise taken off the combined view"),
  });
export type PersistenceParams = z.infer<ReturnType<typeof persistenceParams>>;

/** P(X > x) for X chi-square with 2k degrees of freedom: e^(-x/2) Σ_{j<k} (x/2)^j / j!. */
export function chiSquareEvenSurvival(x: number, k: number): number {
  const h = x / 2;
  let term = 1;
  let sum = 1;
  for (let j = 1; j < k; j++) {
    term *= h / j;
    sum += term;
  }
  return Math.exp(-h) * sum;
}

/** Fisher's combination of steps given as decades of surprise (-log10 p), as decades. */
export function combinedDecades(decades: readonly number[]): number {
  return combinedFromSum(sumOf(decades), decades.length);
}

function sumOf(decades: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < decades.length; i++) sum += decades[i];
  return sum;
}

function combinedFromSum(sum: number, steps: number): number {
  const p = chiSquareEvenSurvival(2 * Math.LN10 * sum, steps);
  return p > 0 ? Math.min(MAX_DECADES, -Math.log10(p)) : MAX_DECADES;
}

/**
 * The combined view never exceeds the steps' summed decades (P(X > x) ≥ e^(−x/2), the series' first
 * term), so when the sum is below the penalty (with a margin far above rounding) the combined score
 * is 0 and the step's own stands: the same result without the exp and log.
 */
const BOUND_MARGIN = 1e-6;

/** ln(j!) for j < 64 (the most steps). */
const LN_FACTORIAL = Array.from({ length: 64 }, (_, j) => {
  let s = 0;
  for (let i = 2; i <= j; i++) s += Math.log(i);
  return s;
});

/**
 * An upper bound on the combined decades from the series' last term as well: P(X > x) ≥
 * e^(−h) h^(k−1) / (k−1)!, h = x/2, so decades ≤ (h − (k−1) ln h + ln (k−1)!) / ln 10. Several
 * ordinary steps (a sum of 3-4 decades over 8) bound the combined view below a decade: when the
 * bound minus the penalty is under the step's own decades the step's score stands, as the full
 * computation would leave it, for one log instead of the series, an exp and a log.
 */
export function combinedBound(sum: number, steps: number): number {
  const h = Math.LN10 * sum;
  if (steps < 2 || h <= 0) return sum;
  return Math.min(sum, (h - (steps - 1) * Math.log(h) + LN_FACTORIAL[steps - 1]) / Math.LN10);
}

/**
 * The last `steps` decades, oldest first, in a fixed ring (no array shifting per step); summed
 * oldest first, as the array it replaced was, so the sums are the same to the bit.
 */
class DecadeRing {
  private v: Float64Array;
  private head = 0;
  size = 0;

  constructor(private readonly capacity: number, saved: readonly number[]) {
    this.v = new Float64Array(capacity);
    for (const d of saved.slice(-capacity)) this.push(d);
  }

  push(d: number): void {
    if (this.size < this.capacity) {
      this.v[(this.head + this.size++) % this.capacity] = d;
      return;
    }
    this.v[this.head] = d;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
  }

  sum(): number {
    let sum = 0;
    for (let i = 0, at = this.head; i < this.size; i++, at = at + 1 === this.capacity ? 0 : at + 1) sum += this.v[at];
    return sum;
  }

  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.v[(this.head + i) % this.capacity]);
    return out;
  }
}

function wrap(detector: Detector, p: PersistenceParams, saved: number[], cap: number): Detector {
  const ring = new DecadeRing(p.steps, saved);
  return {
    kind: detector.kind,
    train: detector.train ? (history: Observation[]) => detector.train!(history) : undefined,
    update(obs: Observation): Scored {
      const r = detector.update(obs);
      if (r.skipped || obs.values.length < 2 || p.steps < 2) return r;
      const own = Math.min(cap, scoreToDecades(r.score));
      ring.push(own);
      const sum = ring.sum();
      if (sum < p.penaltyDecades - BOUND_MARGIN && r.score >= 0) return r;
      // combinedBound(sum) <= sum: when the sum alone passes the test below, the bound does (no log needed).
      if (sum - p.penaltyDecades < own - BOUND_MARGIN && r.score >= 0) return r;
      if (combinedBound(sum, ring.size) - p.penaltyDecades < own - BOUND_MARGIN && r.score >= 0) return r;
      r.score = Math.max(r.score, decadesToScore(combinedFromSum(sum, ring.size) - p.penaltyDecades));
      return r;
    },
    getState() {
      const decades = ring.toArray();
      const saved: number[] | PersistenceState = cap === MAX_DECADES ? decades : { decades, cap };
      return { ...(detector.getState() as Record<string, unknown>), [KEY]: saved };
    },
  };
}

/** The (calibrated) definition with a `persistence` parameter wrapped around its scores of multivariate steps. */
export function withPersistence(def: DetectorDefinition, defaultSteps: number): DetectorDefinition {
  if (!(def.params instanceof z.ZodObject)) throw new Error(`${def.kind}: persistence needs an object params schema`);
  const schema = persistenceParams(defaultSteps);
  return {
    ...def,
    params: def.params.extend({ persistence: schema.prefault({}).describe("Combining a group's consecutive steps") }),
    create(raw: Record<string, unknown>, state?: unknown) {
      const p = (raw.persistence as PersistenceParams | undefined) ?? schema.parse({});
      const isObject = !!state && typeof state === "object" && !Array.isArray(state);
      const { [KEY]: saved, ...inner } = (isObject ? state : {}) as Record<string, unknown>;
      const detector = def.create(raw, isObject ? inner : state);
      if (Array.isArray(saved)) return wrap(detector, p, saved as number[], MAX_DECADES);
      const s = saved && typeof saved === "object" ? (saved as PersistenceState) : null;
      return wrap(detector, p, s ? s.decades : [], s ? s.cap : STEP_CAP_DECADES);
    },
  };
}
