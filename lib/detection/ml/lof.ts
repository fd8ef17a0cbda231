/**
 * LOF detector (novelty mode): a trained reference window, exact kNN through a kd-tree. `raw` is the
 * LOF (≈1 inside a cluster, larger when the point is less dense than its neighbours); `score` maps the
 * excess over 1 relative to the training p99 excess. Windows longer than `maxReference` rows are
 * subsampled (seeded) to bound memory and state size. Univariate bands come from the robust running
 * level (common/level-band.ts). Multivariate points carry an attribution: each feature's part of the mean
 * squared distance to the k neighbours.
 */
import { z } from "zod";
import { createRng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { toAttribution } from "./common/attribution";
import { Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { bandFromSeries, updateBand, type BandState } from "./common/level-band";
import { seedParam, shingleModeParam, shingleParam } from "./common/params";
import { quantile, ratioToScore, safeScale } from "./common/score-map";
import { subsampleRows } from "./common/subsample";
import { LofModel, type LofJson } from "./lof-model";

export const lofParams = z.object({
  k: z.number().int().min(1).max(500).default(20).describe("Neighbours (scikit-learn's n_neighbors)"),
  maxReference: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .default(10_000)
    .describe("Reference rows kept from the training window (subsampled beyond this)"),
  reachFloor: z
    .number()
    .min(0)
    .max(10)
    .default(0.2)
    .describe("Least reach distance in standardized units (0: exact LOF; duplicates on plateaus get an unbounded density)"),
  shingleSize: shingleParam(8),
  shingleMode: shingleModeParam("centered"),
  seed: seedParam,
});
export type LofParams = z.infer<typeof lofParams>;

export interface LofState {
  rng: number;
  features: FeatureState;
  band: BandState;
  model: LofJson | null;
}

class LofDetector implements Detector<LofState> {
  readonly kind = "lof";
  private f: Featurizer;
  private model: LofModel | null;
  private p99: number;
  private band: BandState;
  private rngState: number;
  private buf: Float64Array;

  constructor(
    private p: LofParams,
    s?: LofState,
  ) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize, p.shingleMode), p.shingleMode);
    this.model = s?.model ? LofModel.fromJSON(s.model) : null;
    this.p99 = s?.model?.p99 ?? 1;
    this.band = s ? { ...s.band } : bandFromSeries([]);
    this.rngState = s?.rng ?? p.seed;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
  }

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    if (set.rows < 2) return;
    const rng = createRng(this.rngState);
    const { x: ref, rows: refRows } = subsampleRows(set.x, set.rows, set.width, this.p.maxReference, rng);
    this.rngState = rng.state();
    this.model = new LofModel(Math.min(this.p.k, refRows - 1), set.width, ref, undefined, undefined, this.p.reachFloor);
    this.p99 = quantile(this.model.trainLof!, 0.99);
    this.band = bandFromSeries(set.series);
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    let band = null as ReturnType<typeof updateBand> | null;
    const reason = this.f.admit(obs, this.buf, !!this.model, () => {
      if (this.f.univariate) band = updateBand(this.band, obs.values[0]);
    });
    if (reason) return skipped(obs.t, reason);
    const lof = this.model!.score(this.buf);
    const excess = Math.max(0, lof - 1) / safeScale(this.p99 - 1, 0.05);
    const out: Scored = { t: obs.t, score: ratioToScore(excess), raw: lof };
    if (!this.f.univariate) return { ...out, attribution: this.attribute() };
    return band ? { ...out, ...band } : out;
  }

  /** Neighbours' per-feature deviation (lof-model.ts `neighbourDeviation`); call right after `score`. */
  private attribute() {
    const w = this.f.width;
    const contrib = new Float64Array(w);
    const dev = new Float64Array(w);
    this.model!.neighbourDeviation(this.buf, 0, contrib, dev);
    return toAttribution(contrib, dev);
  }

  getState(): LofState {
    return {
      rng: this.rngState,
      features: this.f.getState(),
      band: { ...this.band },
      model: this.model ? this.model.toJSON(this.p99) : null,
    };
  }
}

export const lof: DetectorDefinition<LofParams, LofState> = {
  kind: "lof",
  label: "Local outlier factor",
  description:
    "Compares a point's local density with that of its k nearest neighbours in a trained reference window; " +
    "points much sparser than their neighbourhood score high. Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: lofParams,
  create: (params, state) => new LofDetector(lofParams.parse(params ?? {}), state),
};
