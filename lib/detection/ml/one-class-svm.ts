/**
 * One-class SVM detector (RBF kernel in Nyström form on seeded landmarks, `one-class-svm-model.ts`):
 * trained on a window, a point scores by how far it falls outside the learned support, ρ − w·z(x)
 * (`raw`), against the training median and p99 of that margin. Univariate input is shingled, with
 * the robust running level as band (the SVM has no forecast). Multivariate points carry an
 * attribution: each feature's share of the squared distance to the nearest margin support vector.
 */
import { z } from "zod";
import { createRng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { attributeDeviations, nearestRow } from "./common/distance-attribution";
import { Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { bandFromSeries, emptyBand, updateBand, type Band, type BandState } from "./common/level-band";
import { seedParam, shingleParam } from "./common/params";
import { ratioToScore } from "./common/score-map";
import { fitSpreadScale, spreadRatio, type SpreadScale } from "./common/spread-scale";
import { subsampleRows } from "./common/subsample";
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
  seed: seedParam,
});
export type OneClassSvmParams = z.infer<typeof oneClassSvmParams>;

/** Margin support vectors kept for attribution. */
const MAX_SUPPORT = 256;

export interface OneClassSvmState {
  rng: number;
  features: FeatureState;
  band: BandState;
  model: (OcsvmJson & SpreadScale) | null;
}

class OneClassSvmDetector implements Detector<OneClassSvmState> {
  readonly kind = "one-class-svm";
  private f: Featurizer;
  private band: BandState;
  private model: (OcsvmJson & SpreadScale) | null;
  private landmarks = new Float64Array(0);
  private beta: Float64Array | null = null;
  private support = new Float64Array(0);
  private rngState: number;
  private buf: Float64Array;
  private dev: Float64Array;

  constructor(
    private p: OneClassSvmParams,
    s?: OneClassSvmState,
  ) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize));
    this.band = s ? { ...s.band } : emptyBand();
    this.model = s?.model ?? null;
    this.rngState = s?.rng ?? p.seed;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
    this.dev = new Float64Array(this.buf.length);
    if (this.model) this.load(this.model);
  }

  private load(m: OcsvmJson): void {
    this.landmarks = Float64Array.from(m.landmarks);
    this.beta = Float64Array.from(m.beta);
    this.support = Float64Array.from(m.support);
  }

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    this.dev = new Float64Array(this.buf.length);
    if (set.rows === 0) return;
    const rng = createRng(this.rngState);
    const { x, rows } = subsampleRows(set.x, set.rows, set.width, this.p.maxTraining, rng);
    const gamma = this.p.gamma ?? scaleGamma(x, rows, set.width);
    const fitted = fitOcsvm(x, rows, set.width, { ...this.p, gamma, maxSupport: MAX_SUPPORT }, rng);
    this.model = { ...fitted, mid: 0, edge: 1 };
    this.load(fitted);
    const margin = new Float64Array(rows);
    for (let i = 0; i < rows; i++) margin[i] = fitted.rho - this.decision(x, i * set.width);
    this.model = { ...fitted, ...fitSpreadScale(margin) };
    this.band = bandFromSeries(set.series);
    this.rngState = rng.state();
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    let band = null as ReturnType<typeof updateBand> | null;
    const reason = this.f.admit(obs, this.buf, !!this.beta, () => {
      if (this.f.univariate) band = updateBand(this.band, obs.values[0]);
    });
    if (reason) return skipped(obs.t, reason);
    const m = this.model!;
    const raw = m.rho - this.decision(this.buf, 0);
    const score = ratioToScore(spreadRatio(raw, m));
    if (band) return { t: obs.t, score, raw, ...(band as Band) };
    const near = nearestRow(this.support, m.width, this.buf);
    if (near < 0) return { t: obs.t, score, raw };
    for (let j = 0; j < m.width; j++) this.dev[j] = this.buf[j] - this.support[near * m.width + j];
    return { t: obs.t, score, raw, attribution: attributeDeviations(this.dev, m.width) };
  }

  private decision(x: Float64Array, off: number): number {
    return kernelExpansion(this.landmarks, this.beta!, this.model!.gamma, this.model!.width, x, off);
  }

  getState(): OneClassSvmState {
    return { rng: this.rngState, features: this.f.getState(), band: { ...this.band }, model: this.model };
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
