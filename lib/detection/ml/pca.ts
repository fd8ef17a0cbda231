/**
 * PCA reconstruction detector: the principal subspace of a training window; a point far from it
 * (large reconstruction error relative to the training p99) scores high. `raw` is the error norm
 * in standardized units. Univariate input is shingled; `expected` is the reconstruction of the
 * last value, the band ± the training p99 of that residual. Multivariate points carry an
 * attribution: each feature's share of the squared reconstruction error, above or below its
 * reconstruction. `subsequence-pca.ts` is the same model on period-long shingles of one series.
 */
import { z } from "zod";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { lazyDeviations } from "./common/distance-attribution";
import { Featurizer, type FeatureState, type ShingleMode } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { shingleModeParam, shingleParam } from "./common/params";
import { windowFromPeriod } from "./common/period-window";
import { ratioToScore } from "./common/score-map";
import { fitPca, PcaProjector, type PcaJson } from "./pca-model";

export const varianceKeptParam = z
  .number()
  .gt(0)
  .lt(1)
  .default(0.95)
  .describe("Keep the fewest components that explain more than this share of the variance");
export const componentsParam = z
  .number()
  .int()
  .min(1)
  .max(256)
  .nullable()
  .default(null)
  .describe("Fixed number of components (empty: chosen by explained variance)");

export const pcaParams = z.object({
  varianceKept: varianceKeptParam,
  components: componentsParam,
  shingleSize: shingleParam(8),
  shingleMode: shingleModeParam(),
});
export type PcaParams = z.infer<typeof pcaParams>;

export interface PcaState {
  features: FeatureState;
  model: PcaJson | null;
}

export interface PcaOptions {
  kind: string;
  varianceKept: number;
  components: number | null;
  shingleSize: number;
  shingleMode: ShingleMode;
  /** Subsequence mode: the shingle is the detected period unless `shingleSize` was given. */
  autoWindow: boolean;
  fallbackWindow: number;
}

export class PcaDetector implements Detector<PcaState> {
  readonly kind: string;
  private f: Featurizer;
  private model: PcaJson | null;
  private pca: PcaProjector | null;
  private buf: Float64Array;

  constructor(
    private p: PcaOptions,
    s?: PcaState,
  ) {
    this.kind = p.kind;
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize, p.shingleMode), p.shingleMode);
    this.model = s?.model ?? null;
    this.pca = this.model ? new PcaProjector(this.model) : null;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
  }

  train(history: Observation[]): void {
    if (this.p.autoWindow) {
      const window = windowFromPeriod(history, this.p.fallbackWindow);
      this.f = new Featurizer(Featurizer.initial(window, this.p.shingleMode), this.p.shingleMode);
    }
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    if (set.rows === 0) return;
    this.model = fitPca(set.x, set.rows, set.width, this.p.varianceKept, this.p.components);
    this.pca = new PcaProjector(this.model);
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    const reason = this.f.admit(obs, this.buf, !!this.pca);
    if (reason) return skipped(obs.t, reason);
    const m = this.model!;
    const pca = this.pca!;
    const err = pca.residual(this.buf, 0);
    const score = ratioToScore(err / m.edge);
    if (!this.f.univariate) return lazyDeviations(obs.t, score, err, pca.resid, m.width);
    const last = m.width - 1;
    const expected = this.f.unscale(last, pca.recon[last]);
    const half = this.f.unscaleWidth(last, m.lastEdge);
    return { t: obs.t, score, raw: err, expected, lower: expected - half, upper: expected + half };
  }

  getState(): PcaState {
    return { features: this.f.getState(), model: this.model };
  }
}

export const pca: DetectorDefinition<PcaParams, PcaState> = {
  kind: "pca",
  label: "PCA reconstruction",
  description:
    "Learns the principal components of a training window; points the leading components reconstruct " +
    "poorly (off the usual correlations between features) score high. Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: pcaParams,
  create: (params, state) => {
    const p = pcaParams.parse(params ?? {});
    return new PcaDetector({ kind: "pca", ...p, autoWindow: false, fallbackWindow: p.shingleSize }, state);
  },
};
