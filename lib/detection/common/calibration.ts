/**
 * Per-series score calibration: turns a detector's native score into the tail probability of
 * that score on this series, so one threshold means one rarity for every algorithm and series.
 *
 * The native score is read as decades of surprise d = scoreToDecades(score). The calibrator keeps
 * the last `window` values of d (sorted) and models their upper tail as peaks over a threshold
 * (Pickands-Balkema-de Haan; SPOT, Siffer et al. 2017): u = the (1 - tail) quantile, excesses over
 * u exponential with scale β (from the median excess, so a few anomalies in the window do not
 * widen it; at least half what the bulk between median and u implies). P(D >= d) = s · exp(-(d - u) / β) above u
 * (s: the share of the window above u, `tail` unless scores tie at u), log-linear from 1 at d = 0 to `tail`
 * at u below it. The result goes back through the library's squashing, so 0.5 still reads "as
 * rare as a two-sided 3-sigma event" (p = 0.0027), now measured on this series' own history.
 *
 * A detector whose native d is already exact (Gaussian z on Gaussian data: u = 1.30, β = 1/ln 10)
 * is left as it is; the prior is that identity, worth `priorTail` tail points, so short histories
 * stay close to the native scale. β is at least 0.1 decade (discrete or saturated scores), and a
 * score is never called rarer than the share of the window at or above it (ties, capped scores).
 */
import { z } from "zod";
import { decadesToScore, scoreToDecades } from "./normal";
import { SortedWindow } from "./sorted-window";

export const calibrationParams = z.object({
  enabled: z.boolean().default(true).describe("Report the score's tail probability on this series' own score history"),
  window: z.number().int().min(50).max(20_000).default(1000).describe("Recent scores the distribution is estimated from"),
  tail: z.number().min(0.005).max(0.5).default(0.05).describe("Share of the window modelled as the exponential tail"),
  priorTail: z.number().min(0).default(10).describe("Weight, in tail points, of the uncalibrated scale while history is short"),
  seedFromTraining: z
    .boolean()
    .default(true)
    .describe("Trained kinds: start the score history with the trained model's scores of the end of its training window"),
});
export type CalibrationParams = z.infer<typeof calibrationParams>;

/** Oldest-first decades of surprise, rounded to 1e-3 (the JSON stays small; restores are exact). */
export type CalibrationState = number[];

/** Native decades are capped: beyond 50 decades every point is an outlier and ranks equal. */
const MAX_DECADES = 50;
const RESOLUTION = 1000;
/** β of exact decades: -log10 of a uniform p is exponential with mean 1/ln 10. */
const EXACT_BETA = 1 / Math.LN10;
/** Floor on β in decades: scores that barely move (saturated or discrete) are not magnified into alarms. */
const MIN_BETA = 0.1;

/** A native score as the window stores it: capped decades of surprise, rounded to 1e-3. */
function roundedDecades(score: number): number {
  return Math.round(Math.min(MAX_DECADES, scoreToDecades(score)) * RESOLUTION) / RESOLUTION;
}

export class ScoreCalibrator {
  private readonly w: SortedWindow;
  private readonly tailDecades: number;

  constructor(
    private readonly p: CalibrationParams,
    state?: CalibrationState,
  ) {
    this.w = new SortedWindow(p.window, state ?? []);
    this.tailDecades = -Math.log10(p.tail);
  }

  /** Learns a native score without mapping it (history from before live scoring). */
  learn(score: number): void {
    this.w.push(roundedDecades(score));
  }

  /** Maps one native score to its calibrated score, then learns from it. */
  calibrate(score: number): number {
    const d = roundedDecades(score);
    const out = decadesToScore(this.decades(d));
    this.w.push(d);
    return out;
  }

  /**
   * Calibrated decades of surprise, -log10 P(D >= d), from the window before `d` joins it: the tail
   * model, but never rarer than the share of the window at or above d (ties and capped scores are
   * as common as they are, not beyond the model's tail).
   */
  decades(d: number): number {
    const u = this.threshold();
    if (d <= u) return u > 0 ? (d / u) * this.tailDecades : 0;
    const { share, beta } = this.tailShape();
    const model = -Math.log10(share) + (d - u) / (beta * Math.LN10);
    const n = this.w.size;
    const atLeast = n - Math.round(this.w.rank(d) * n);
    return atLeast > 0 ? Math.min(model, -Math.log10(atLeast / (n + 1))) : model;
  }

  /** Points the window's tail holds, and the weight of the window's own quantile against the prior. */
  private tailWeight(): { tailPoints: number; weight: number } {
    const tailPoints = this.w.size * this.p.tail;
    return { tailPoints, weight: tailPoints / (tailPoints + this.p.priorTail) };
  }

  /**
   * u: the window's (1 - tail) quantile, the prior (identity) blended in by tail points. Most
   * scores fall below it and need nothing else, so the tail's shape is computed only above it.
   */
  private threshold(): number {
    const { tailPoints, weight } = this.tailWeight();
    // A quantile of a handful of points is noise: until then the prior alone.
    if (tailPoints < 2) return this.tailDecades;
    return weight * this.w.quantile(1 - this.p.tail) + (1 - weight) * this.tailDecades;
  }

  /**
   * The share of the window strictly above u (below `tail` when values tie at u: discrete or
   * mostly-zero scores) and β from the median excess of those above it; the prior blended in by
   * tail points.
   */
  private tailShape(): { share: number; beta: number } {
    const w = this.w;
    const n = w.size;
    const { tailPoints, weight } = this.tailWeight();
    if (tailPoints < 2) return { share: this.p.tail, beta: EXACT_BETA };
    const uHat = w.quantile(1 - this.p.tail);
    const above = w.countAbove(uHat);
    // Ties at u (discrete or capped scores) leave fewer than `tail` above it; none above: rarer than 1/n.
    const share = Math.exp(weight * Math.log(Math.max(above, 1) / n) + (1 - weight) * Math.log(this.p.tail));
    let beta = EXACT_BETA;
    if (above > 0) {
      const first = n - above;
      const mid = first + (above - 1) / 2;
      const medianExcess = (w.at(Math.floor(mid)) + w.at(Math.ceil(mid))) / 2 - uHat;
      // At least half the β the bulk implies (exponential: q(1 - tail) - q(0.5) = β ln(0.5 / tail)):
      // a narrow tail on a wide bulk is a few repeated values, not a light tail.
      const bulkBeta = (uHat - w.quantile(0.5)) / Math.log(0.5 / this.p.tail);
      const betaHat = Math.max(medianExcess / Math.LN2, 0.5 * bulkBeta);
      const betaWeight = above / (above + this.p.priorTail);
      beta = betaWeight * betaHat + (1 - betaWeight) * beta;
    }
    return { share, beta: Math.max(beta, MIN_BETA) };
  }

  getState(): CalibrationState {
    return this.w.toArray();
  }
}
