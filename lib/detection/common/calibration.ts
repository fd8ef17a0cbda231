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
import { mapDecades, needsRebase, type CalibrationMap } from "./calibration-map";
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
  reference: z
    .enum(["auto", "window", "fixed"])
    .default("auto")
    .describe(
      "Groups: read scores against the sliding window (window), or freeze it into a fixed map after the first " +
        "1,000 live scores, rebuilt when the scores drift (fixed); auto: fixed for the kinds where it was measured " +
        "better. Series always use the window",
    ),
});
export type CalibrationParams = z.infer<typeof calibrationParams>;

/**
 * Oldest-first decades of surprise, rounded to 1e-3 (the JSON stays small; restores are exact): the
 * whole state of a series' calibrator, and of every calibrator saved before `reference` existed.
 * A group's calibrator that may freeze its window saves an object: the same scores, the live scores
 * counted towards freezing, and once frozen the map and the current rebase block.
 */
export type CalibrationState = number[] | FixedCalibrationState;

export interface FixedCalibrationState {
  scores: number[];
  /** Live group scores read against the window (the map is made at FREEZE_AFTER). */
  live: number;
  map?: CalibrationMap;
  /** The rebase block: scores mapped, and of those above the map's u. */
  seen?: number;
  above?: number;
}

/** Live group scores read against the sliding window before it is frozen into a map. */
export const FREEZE_AFTER = 1000;

/** Options the wrapper decides from the kind and `reference` (calibrated.ts). */
export interface CalibratorOptions {
  /** The window may be frozen into a map once it has read FREEZE_AFTER live scores of a group. */
  freezeGroups: boolean;
}

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
  private w: SortedWindow;
  private readonly tailDecades: number;
  /** Whether this calibrator may freeze (a group's, of a kind that does); a state from before stays sliding until trained. */
  private freeze: boolean;
  /** Group scores seen: the state is the object form from then on. */
  private group = false;
  private live = 0;
  private map: CalibrationMap | null = null;
  /** Frozen: the recent scores (oldest at `head`), kept for a rebase and the state. */
  private recent: number[] = [];
  private head = 0;
  private seen = 0;
  private above = 0;

  constructor(
    private readonly p: CalibrationParams,
    state?: CalibrationState,
    options: CalibratorOptions = { freezeGroups: false },
  ) {
    this.tailDecades = -Math.log10(p.tail);
    this.freeze = options.freezeGroups;
    if (Array.isArray(state) || !state) {
      // A non-empty window without the object form was saved by a series or before `reference`: it stays as it was.
      if (state && state.length > 0) this.freeze = false;
      this.w = new SortedWindow(p.window, state ?? []);
      return;
    }
    this.group = true;
    this.live = state.live;
    this.w = new SortedWindow(p.window, state.map ? [] : state.scores);
    if (state.map) {
      this.map = state.map;
      this.recent = state.scores.slice(-p.window);
      this.seen = state.seen ?? 0;
      this.above = state.above ?? 0;
    }
  }

  /** Learns a native score without mapping it (history from before live scoring). */
  learn(score: number, group = false): void {
    const d = roundedDecades(score);
    if (group && this.freeze) this.group = true;
    if (this.map) this.remember(d);
    else this.w.push(d);
  }

  /** Maps one native score to its calibrated score, then learns from it; `group`: a multivariate step. */
  calibrate(score: number, group = false): number {
    if (this.map) return this.fromMap(score);
    const d = roundedDecades(score);
    const out = decadesToScore(this.decades(d));
    this.w.push(d);
    if (group && this.freeze) {
      this.group = true;
      if (++this.live >= FREEZE_AFTER) this.makeMap();
    }
    return out;
  }

  /**
   * A new model (training): its scores are read against the window again, and frozen after
   * FREEZE_AFTER live scores; a state saved before `reference` existed may freeze from now on.
   */
  restart(freezeGroups: boolean): void {
    this.freeze = freezeGroups;
    this.live = 0;
    if (!this.map) return;
    this.w = new SortedWindow(this.p.window, this.recentScores());
    this.map = null;
    this.recent = [];
    this.head = 0;
  }

  /** The frozen map's reading of one native score (not rounded: the model's ranking stays). */
  private fromMap(score: number): number {
    const m = this.map!;
    const raw = Math.min(MAX_DECADES, scoreToDecades(score));
    const out = decadesToScore(mapDecades(m, raw));
    this.remember(Math.round(raw * RESOLUTION) / RESOLUTION);
    this.seen++;
    if (raw > m.u) this.above++;
    if (this.seen >= this.p.window) {
      if (needsRebase(m, this.seen, this.above)) {
        this.w = new SortedWindow(this.p.window, this.recentScores());
        this.makeMap();
      }
      this.seen = 0;
      this.above = 0;
    }
    return out;
  }

  private remember(d: number): void {
    if (this.recent.length < this.p.window) {
      this.recent.push(d);
      return;
    }
    this.recent[this.head] = d;
    this.head = this.head + 1 === this.recent.length ? 0 : this.head + 1;
  }

  private recentScores(): number[] {
    return this.head === 0 ? this.recent.slice() : [...this.recent.slice(this.head), ...this.recent.slice(0, this.head)];
  }

  /** Freezes the window's reading into a map; the window's scores become the recent scores. */
  private makeMap(): void {
    const u = this.threshold();
    const { share, beta } = this.tailShape();
    const n = this.w.size;
    this.map = {
      u,
      tailDecades: this.tailDecades,
      aboveDecades: Math.max(this.tailDecades, -Math.log10(share)),
      beta,
      expect: n > 0 ? this.w.countAbove(u) / n : this.p.tail,
    };
    this.recent = this.w.toArray();
    this.head = 0;
    this.seen = 0;
    this.above = 0;
  }

  /** The frozen map, null while the window is read (tests and the README's figures). */
  currentMap(): CalibrationMap | null {
    return this.map;
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
    if (!this.group) return this.w.toArray();
    if (!this.map) return { scores: this.w.toArray(), live: this.live };
    return { scores: this.recentScores(), live: this.live, map: { ...this.map }, seen: this.seen, above: this.above };
  }
}
