/**
 * k-means detector: clusters a training window (k-means++ init, Lloyd iterations) and scores a point by
 * its distance to the nearest centroid relative to that cluster's p99 member distance. `raw` is the
 * distance in standardized units. Univariate `expected` is the nearest centroid's last shingle value and
 * the band is that value ± the cluster's p99 distance, in the series' units. Multivariate points carry an
 * attribution: each feature's part of the squared standardized distance to the nearest centroid.
 */
import { z } from "zod";
import { createRng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { toAttribution } from "./common/attribution";
import { Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { seedParam, shingleModeParam, shingleParam } from "./common/params";
import { ratioToScore } from "./common/score-map";
import { fitKMeans, lastDist2, nearest, type KMeansJson } from "./kmeans-model";

export const kmeansParams = z.object({
  k: z.number().int().min(1).max(256).default(8).describe("Number of clusters"),
  maxIterations: z.number().int().min(1).max(1000).default(100).describe("Lloyd iterations at most"),
  shingleSize: shingleParam(8),
  shingleMode: shingleModeParam("centered"),
  seed: seedParam,
});
export type KMeansParams = z.infer<typeof kmeansParams>;

export interface KMeansState {
  rng: number;
  features: FeatureState;
  model: KMeansJson | null;
}

class KMeansDetector implements Detector<KMeansState> {
  readonly kind = "kmeans";
  private f: Featurizer;
  private model: KMeansJson | null;
  private centroids: Float64Array;
  private rngState: number;
  private buf: Float64Array;

  constructor(
    private p: KMeansParams,
    s?: KMeansState,
  ) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize, p.shingleMode), p.shingleMode);
    this.model = s?.model ?? null;
    this.centroids = Float64Array.from(this.model?.centroids ?? []);
    this.rngState = s?.rng ?? p.seed;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
  }

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    if (set.rows === 0) return;
    const rng = createRng(this.rngState);
    this.model = fitKMeans(set.x, set.rows, set.width, this.p.k, this.p.maxIterations, rng);
    this.centroids = Float64Array.from(this.model.centroids);
    this.rngState = rng.state();
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    const reason = this.f.admit(obs, this.buf, !!this.model);
    if (reason) return skipped(obs.t, reason);
    const m = this.model!;
    const cluster = nearest(this.centroids, m.k, m.width, this.buf, 0);
    const dist = Math.sqrt(lastDist2[0]);
    const edge = m.edge[cluster];
    const out: Scored = { t: obs.t, score: ratioToScore(dist / edge), raw: dist };
    if (!this.f.univariate) return { ...out, attribution: this.attribute(cluster, m.width) };
    const last = m.width - 1;
    const expected = this.f.unscale(last, this.centroids[cluster * m.width + last]);
    const half = this.f.unscaleWidth(last, edge);
    return { ...out, expected, lower: expected - half, upper: expected + half };
  }

  /** Each feature's part of the squared standardized distance to the nearest centroid; sign of (x - centroid). */
  private attribute(cluster: number, w: number) {
    const dev = new Float64Array(w);
    const contrib = new Float64Array(w);
    for (let f = 0; f < w; f++) {
      dev[f] = this.buf[f] - this.centroids[cluster * w + f];
      contrib[f] = dev[f] * dev[f];
    }
    return toAttribution(contrib, dev);
  }

  getState(): KMeansState {
    return { rng: this.rngState, features: this.f.getState(), model: this.model };
  }
}

/** Centroids in the series' original units (k rows of width values), for tests and explanations. */
export function centroidsOf(state: KMeansState): number[][] {
  const m = state.model;
  if (!m) return [];
  const { mean, std } = state.features;
  return Array.from({ length: m.k }, (_, j) =>
    Array.from({ length: m.width }, (_, f) => m.centroids[j * m.width + f] * std[f] + mean[f]),
  );
}

export const kmeans: DetectorDefinition<KMeansParams, KMeansState> = {
  kind: "kmeans",
  label: "k-means distance",
  description:
    "Clusters a training window with k-means; a point far from its nearest centroid, relative to how spread " +
    "that cluster is, scores high. Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: kmeansParams,
  create: (params, state) => new KMeansDetector(kmeansParams.parse(params ?? {}), state),
};
