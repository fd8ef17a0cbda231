/**
 * The contract every detector in Vigil implements. Pure: no I/O, no clocks, no Math.random
 * (use the seeded generator in ./random.ts), so the worker, backfill and the UI preview agree.
 */
import type { z } from "zod";

/** One observation. `t` is epoch milliseconds; `values` has one entry for a univariate series. */
export interface Observation {
  t: number;
  values: number[];
}

/** Why a point produced no real score. */
export type SkipReason = "invalid" | "duplicate" | "out-of-order" | "warmup";

export interface Scored {
  t: number;
  /** Anomaly score in [0, 1]; compared against the detector's threshold. */
  score: number;
  /** The algorithm's native score (z value, path length, distance, ...), for explanation. */
  raw: number;
  /** Univariate detectors: what the model expected and the band it considers normal. */
  expected?: number;
  lower?: number;
  upper?: number;
  /** Ensembles: the member whose score drove this point ("kind", or "kind#i" when a kind repeats). */
  driver?: string;
  /** Multivariate input: each feature's part in this score, in input order (`values[i]` <-> `attribution[i]`). */
  attribution?: FeatureAttribution[];
  /** Set when the point did not update the model; score is then 0. */
  skipped?: SkipReason;
  /**
   * A second score the same model gives beside `score` (seasonal's drift test with `output: "split"`): an ensemble
   * treats it as a `direct` member of its own, named "kind (name)"; alone, it is not part of `score`.
   */
  side?: { name: string; score: number; raw: number };
}

/**
 * One input feature's part in a multivariate score. How a model splits its score is its own and is documented
 * beside the model (path length for isolation forest, per-feature error for reconstruction models, ...).
 */
export interface FeatureAttribution {
  /** Share of the score, >= 0; the shares of one point sum to 1 (all 0 when nothing stood out). */
  share: number;
  /** Whether the feature was above or below what the model expected. */
  direction: "above" | "below";
}

export type DetectorInput = "univariate" | "multivariate";

/** A live detector instance for one series. */
export interface Detector<State = unknown> {
  readonly kind: string;
  /** Fit on a window of history (batch). Detectors that need no training may treat it as warm-up. */
  train?(history: Observation[]): void;
  /** Score the next observation in time order and update the model. */
  update(obs: Observation): Scored;
  /** JSON-serializable snapshot; `create(params, state)` resumes exactly from it. */
  getState(): State;
}

export interface DetectorDefinition<Params = any, State = any> {
  kind: string;
  label: string;
  description: string;
  input: DetectorInput | "both";
  /** Whether `train` is required before `update` gives meaningful scores. */
  needsTraining: boolean;
  /** Zod schema with defaults: the API validates with it, the UI renders a form from it. */
  params: z.ZodType<Params>;
  /** Suggested score threshold for this kind (scores at or above it are anomalous). */
  defaultThreshold?: number;
  create(params: Params, state?: State): Detector<State>;
}
