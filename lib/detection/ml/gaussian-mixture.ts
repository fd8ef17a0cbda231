/**
 * Gaussian mixture detector: EM on a training window, the component count chosen by BIC over
 * 1..`maxComponents`; a point scores by its negative log-likelihood (`raw`, standardized units)
 * against the training median and p99. Univariate input is shingled; `expected` is the last value
 * of the most responsible component's mean, the band ± 3 of its standard deviations. Multivariate
 * points carry an attribution: each feature's standardized distance to that component's mean,
 * squared, as its share.
 */
import { z } from "zod";
import type { Rng } from "@/lib/detection/random";
import type { DetectorDefinition, Scored } from "@/lib/detection/types";
import { attributeDeviations, LazyAttributed, snapshotOf } from "./common/distance-attribution";
import type { TrainingSet } from "./common/featurizer";
import { seedParam, shingleModeParam, shingleParam } from "./common/params";
import { ratioToScore } from "./common/score-map";
import { fitSpreadScale, spreadRatio, type SpreadScale } from "./common/spread-scale";
import { TrainedDetector, type TrainedState } from "./common/trained-detector";
import { fitGmmByBic, GmmScorer, type GmmJson } from "./gaussian-mixture-model";

export const gmmParams = z.object({
  maxComponents: z.number().int().min(1).max(32).default(5).describe("Components tried (1..this); BIC picks the count"),
  covariance: z.enum(["full", "diag"]).default("full").describe("Full or diagonal covariance per component"),
  maxIterations: z.number().int().min(1).max(1000).default(100).describe("EM iterations at most per count"),
  shingleSize: shingleParam(8),
  shingleMode: shingleModeParam("centered"),
  seed: seedParam,
});
export type GmmParams = z.infer<typeof gmmParams>;

export type GmmModel = GmmJson & SpreadScale;
export type GmmState = TrainedState<GmmModel>;

const BAND_SIGMAS = 3;

class GmmDetector extends TrainedDetector<GmmModel, GmmState> {
  readonly kind = "gaussian-mixture";
  private scorer: GmmScorer | null = null;

  constructor(
    private p: GmmParams,
    s?: GmmState,
  ) {
    super(p, s, false);
    if (this.model) this.load(this.model);
  }

  protected fit(set: TrainingSet, rng: Rng): GmmModel {
    const fitted = fitGmmByBic(set.x, set.rows, set.width, this.p.maxComponents, this.p.covariance, this.p.maxIterations, rng);
    const scorer = new GmmScorer(fitted);
    const nll = new Float64Array(set.rows);
    for (let i = 0; i < set.rows; i++) nll[i] = -scorer.logLik(set.x, i * set.width);
    return { ...fitted, ...fitSpreadScale(nll) };
  }

  protected load(m: GmmModel): void {
    this.scorer = new GmmScorer(m);
  }

  protected score(t: number, m: GmmModel): Scored {
    const scorer = this.scorer!;
    const nll = -scorer.logLik(this.buf, 0);
    const score = ratioToScore(spreadRatio(nll, m));
    const c = scorer.best;
    const w = m.width;
    if (!this.f.univariate) {
      // The row and its most responsible component, kept; the deviations are computed on first read.
      return new LazyAttributed(t, score, nll, snapshotOf(this.buf, w), (x) => {
        const dev = new Float64Array(w);
        for (let j = 0; j < w; j++) dev[j] = (x[j] - m.means[c * w + j]) / scorer.sd(c, j);
        return attributeDeviations(dev, w);
      });
    }
    const last = w - 1;
    const expected = this.f.unscale(last, m.means[c * w + last]);
    const half = this.f.unscaleWidth(last, BAND_SIGMAS * scorer.sd(c, last));
    return { t, score, raw: nll, expected, lower: expected - half, upper: expected + half };
  }
}

export const gaussianMixture: DetectorDefinition<GmmParams, GmmState> = {
  kind: "gaussian-mixture",
  label: "Gaussian mixture",
  description:
    "Fits a mixture of Gaussians to a training window (EM, the number of components chosen by BIC); points " +
    "unlikely under every component score high. Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: gmmParams,
  create: (params, state) => new GmmDetector(gmmParams.parse(params ?? {}), state),
};
