/**
 * One-class SVM detector (RBF kernel in Nyström form on seeded landmarks, `one-class-svm-model.ts`):
 * trained on a window, a point scores by how far it falls outside the learned support, ρ − w·z(x)
 * (`raw`), against the training median and p99 of that margin. Univariate input is shingled, with
 * the robust running level as band (the SVM has no forecast). Multivariate points carry an
 * attribution: each feature's share of the squared distance to the nearest margin support vector.
 */
import { z } from "zod";
import type { Rng } from "@/lib/detection/random";
import type { DetectorDefinition, Scored } from "@/lib/detection/types";
import { attributeDeviations, LazyAttributed, nearestRow, snapshotOf } from "./common/distance-attribution";
import type { TrainingSet } from "./common/featurizer";
import type { Band } from "./common/level-band";
import { seedParam, shingleModeParam, shingleParam } from "./common/params";
import { ratioToScore } from "./common/score-map";
import { fitSpreadScale, spreadRatio, type SpreadScale } from "./common/spread-scale";
import { subsampleRows } from "./common/subsample";
import { TrainedDetector, type TrainedState } from "./common/trained-detector";
import { fitOcsvm, kernelExpansion, scaleGamma, type OcsvmJson } from "./one-class-svm-model";

export const oneClassSvmParams = z.object({
  nu: z.number().gt(0).max(1).default(0.5).describe("Upper bound on the share of training points outside the support (scikit-learn's nu)"),
  gamma: z
    .number()
    .positive()
    .nullable()
    .default(null)
    .describe("RBF kernel width (empty: scikit-learn's 'scale', 1 / (features × variance))"),
  landmarks: z.number().int().min(8).max(2048).default(128).describe("Training rows the kernel is expanded on (Nyström landmarks)"),
  maxIterations: z.number().int().min(1).max(5000).default(200).describe("Solver iterations at most"),
  maxTraining: z.number().int().min(10).max(1_000_000).default(20_000).describe("Training rows used (seeded subsample beyond this)"),
  shingleSize: shingleParam(8),
  shingleMode: shingleModeParam(),
  seed: seedParam,
});
export type OneClassSvmParams = z.infer<typeof oneClassSvmParams>;

/** Margin support vectors kept for attribution. */
const MAX_SUPPORT = 256;

export type OneClassSvmModel = OcsvmJson & SpreadScale;
export type OneClassSvmState = TrainedState<OneClassSvmModel>;

class OneClassSvmDetector extends TrainedDetector<OneClassSvmModel, OneClassSvmState> {
  readonly kind = "one-class-svm";
  private landmarks = new Float64Array(0);
  private beta = new Float64Array(0);
  private support = new Float64Array(0);

  constructor(
    private p: OneClassSvmParams,
    s?: OneClassSvmState,
  ) {
    super(p, s, true);
    if (this.model) this.load(this.model);
  }

  protected fit(set: TrainingSet, rng: Rng): OneClassSvmModel {
    const { x, rows } = subsampleRows(set.x, set.rows, set.width, this.p.maxTraining, rng);
    const gamma = this.p.gamma ?? scaleGamma(x, rows, set.width);
    const fitted = fitOcsvm(x, rows, set.width, { ...this.p, gamma, maxSupport: MAX_SUPPORT }, rng);
    const landmarks = Float64Array.from(fitted.landmarks);
    const beta = Float64Array.from(fitted.beta);
    const margin = new Float64Array(rows);
    for (let i = 0; i < rows; i++) margin[i] = fitted.rho - kernelExpansion(landmarks, beta, fitted.gamma, set.width, x, i * set.width);
    return { ...fitted, ...fitSpreadScale(margin) };
  }

  protected load(m: OcsvmJson): void {
    this.landmarks = Float64Array.from(m.landmarks);
    this.beta = Float64Array.from(m.beta);
    this.support = Float64Array.from(m.support);
  }

  protected score(t: number, m: OneClassSvmModel, band: Band | null): Scored {
    const raw = m.rho - kernelExpansion(this.landmarks, this.beta, m.gamma, m.width, this.buf, 0);
    const score = ratioToScore(spreadRatio(raw, m));
    if (band) return { t, score, raw, ...band };
    const support = this.support;
    const w = m.width;
    if (support.length === 0) return { t, score, raw };
    // The nearest support vector is looked up when the attribution is first read.
    return new LazyAttributed(t, score, raw, snapshotOf(this.buf, w), (x) => {
      const off = nearestRow(support, w, Float64Array.from(x)) * w;
      const dev = new Float64Array(w);
      for (let j = 0; j < w; j++) dev[j] = x[j] - support[off + j];
      return attributeDeviations(dev, w);
    });
  }
}

export const oneClassSvm: DetectorDefinition<OneClassSvmParams, OneClassSvmState> = {
  kind: "one-class-svm",
  label: "One-class SVM",
  description:
    "Learns the support of a training window with an RBF-kernel one-class SVM (Nyström landmarks); " +
    "points outside it score high. Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: oneClassSvmParams,
  create: (params, state) => new OneClassSvmDetector(oneClassSvmParams.parse(params ?? {}), state),
};
