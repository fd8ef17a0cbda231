/**
 * Streaming random cut forest (Guha et al. 2016, as in AWS/OpenSearch): each point is scored against
 * the forest, then offered to every tree's time-decayed reservoir. No training is needed: the first
 * `warmup` feature vectors are buffered, fix the standardization, and seed the forest; `train(history)`
 * does the same with a history window. `raw` is the mean expected CoDisp; `score` compares it with a
 * running typical CoDisp (see rcf-score-scale.ts). Univariate bands come from the robust running level.
 */
import { z } from "zod";
import { createRng, type Rng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { columnStats, Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { bandFromSeries, emptyBand, updateBand, type BandState } from "./common/level-band";
import { seedParam, shingleParam } from "./common/params";
import { RcfForest, type RcfForestJson } from "./rcf-forest";
import { emptyScale, scaleScore, type ScoreScale } from "./rcf-score-scale";

export const randomCutForestParams = z.object({
  trees: z.number().int().min(1).max(500).default(20).describe("Number of trees"),
  treeSize: z.number().int().min(4).max(4096).default(256).describe("Points sampled per tree"),
  shingleSize: shingleParam(8),
  timeDecay: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Sampler recency bias λ; default 1/(10·treeSize) as in AWS RCF"),
  stopBelow: z
    .number()
    .min(0)
    .max(100)
    .default(1.5)
    .describe(
      "Stop averaging trees once a point's CoDisp is clearly below this multiple of the running typical CoDisp " +
        "(0: every point averages every tree)",
    ),
  warmup: z.number().int().min(2).max(100_000).default(256).describe("Points seen before scores are reported"),
  seed: seedParam,
});
export type RandomCutForestParams = z.infer<typeof randomCutForestParams>;

export interface RandomCutForestState {
  rng: number;
  features: FeatureState;
  band: BandState;
  scale: ScoreScale;
  /** Raw feature vectors buffered during warm-up (row-major). */
  warm: number[];
  forest: RcfForestJson | null;
}

class RandomCutForestDetector implements Detector<RandomCutForestState> {
  readonly kind = "random-cut-forest";
  private f: Featurizer;
  private forest: RcfForest | null;
  private band: BandState;
  private scale: ScoreScale;
  private warm: number[];
  private rng: Rng;
  private buf: Float64Array;
  private readonly decay: number;

  constructor(
    private p: RandomCutForestParams,
    s?: RandomCutForestState,
  ) {
    this.decay = p.timeDecay ?? 1 / (10 * p.treeSize);
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize));
    this.band = s ? { ...s.band } : emptyBand();
    this.scale = s ? { ...s.scale } : emptyScale();
    this.warm = s ? [...s.warm] : [];
    this.rng = createRng(s?.rng ?? p.seed);
    this.forest = s?.forest ? RcfForest.fromJSON(s.forest, p.treeSize, this.f.width, this.decay) : null;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
  }

  /** Optional: uses a history window as the warm-up instead of waiting for live points. */
  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    this.warm = [];
    this.band = bandFromSeries(set.series);
    this.scale = emptyScale();
    this.seedForest(set.x, set.rows, set.width);
  }

  update(obs: Observation): Scored {
    const reason = this.f.check(obs);
    if (reason) return skipped(obs.t, reason);
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    const band = (this.f.dim || obs.values.length) === 1 ? updateBand(this.band, obs.values[0]) : null;
    if (!this.f.pushRaw(obs, this.buf)) return skipped(obs.t, "warmup");
    const w = this.f.width;
    const forest = this.forest;
    if (!forest) {
      for (let j = 0; j < w; j++) this.warm.push(this.buf[j]);
      if (this.warm.length >= this.p.warmup * w) this.finishWarmup(w);
      return skipped(obs.t, "warmup");
    }
    this.f.standardize(this.buf);
    const raw = forest.score(this.buf, this.p.stopBelow * this.scale.mean);
    const score = scaleScore(this.scale, raw, true);
    forest.update(this.buf, this.rng);
    if (!band) return { t: obs.t, score, raw };
    return { t: obs.t, score, raw, expected: band.expected, lower: band.lower, upper: band.upper };
  }

  private finishWarmup(w: number): void {
    const rows = this.warm.length / w;
    const x = Float64Array.from(this.warm);
    const { mean, std } = columnStats(x, rows, w);
    if (this.f.univariate) {
      // Shingle positions share one scale, so shapes are compared rather than positions.
      const m = mean.reduce((a, b) => a + b, 0) / w;
      const sd = Math.sqrt(std.reduce((a, b) => a + b * b, 0) / w);
      this.f.setStats(mean.map(() => m), std.map(() => sd));
    } else this.f.setStats(mean, std);
    for (let i = 0; i < rows; i++) this.f.standardize(x, i * w);
    this.warm = [];
    this.seedForest(x, rows, w);
  }

  /** Streams standardized rows through a fresh forest; the later half also calibrates the score scale. */
  private seedForest(x: Float64Array, rows: number, w: number): void {
    if (rows === 0 || w === 0) return;
    const forest = new RcfForest(this.p.trees, this.p.treeSize, w, this.decay);
    const row = new Float64Array(w);
    for (let i = 0; i < rows; i++) {
      row.set(x.subarray(i * w, i * w + w));
      if (i >= rows / 2) scaleScore(this.scale, forest.score(row), true);
      forest.update(row, this.rng);
    }
    this.forest = forest;
  }

  getState(): RandomCutForestState {
    return {
      rng: this.rng.state(),
      features: this.f.getState(),
      band: { ...this.band },
      scale: { ...this.scale },
      warm: [...this.warm],
      forest: this.forest ? this.forest.toJSON() : null,
    };
  }
}

export const randomCutForest: DetectorDefinition<RandomCutForestParams, RandomCutForestState> = {
  kind: "random-cut-forest",
  label: "Random cut forest",
  description:
    "Streaming random cut forest: learns online from a recency-biased sample and scores each point by how " +
    "much it would displace the trees (CoDisp). No training needed after a short warm-up.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: false,
  params: randomCutForestParams,
  create: (params, state) => new RandomCutForestDetector(randomCutForestParams.parse(params ?? {}), state),
};
