/**
 * DBSCAN novelty detector: DBSCAN on a training window (eps from the k-distance knee unless given);
 * a point scores by its distance to the nearest core point (`raw`, standardized units) relative to
 * eps: within eps it would have joined a cluster (score < 0.5), beyond it it is new. Univariate
 * input is shingled, with the robust running level as band. Multivariate points carry an
 * attribution: each feature's share of the squared distance to that core point.
 */
import { z } from "zod";
import { createRng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { attributeDeviations } from "./common/distance-attribution";
import { Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { bandFromSeries, emptyBand, updateBand, type Band, type BandState } from "./common/level-band";
import { seedParam, shingleParam } from "./common/params";
import { ratioToScore } from "./common/score-map";
import { subsampleRows } from "./common/subsample";
import { fitDbscan, type DbscanJson } from "./dbscan-model";
import { KdTree } from "./kd-tree";

export const dbscanParams = z.object({
  eps: z
    .number()
    .positive()
    .nullable()
    .default(null)
    .describe("Neighbourhood radius in standardized units (empty: the knee of the k-distance curve)"),
  minPts: z.number().int().min(1).max(1000).default(5).describe("Points within eps, itself included, that make a core point (scikit-learn's min_samples)"),
  maxReference: z.number().int().min(10).max(1_000_000).default(10_000).describe("Training rows clustered (seeded subsample beyond this)"),
  shingleSize: shingleParam(8),
  seed: seedParam,
});
export type DbscanParams = z.infer<typeof dbscanParams>;

export interface DbscanState {
  rng: number;
  features: FeatureState;
  band: BandState;
  model: DbscanJson | null;
}

class DbscanDetector implements Detector<DbscanState> {
  readonly kind = "dbscan";
  private f: Featurizer;
  private band: BandState;
  private model: DbscanJson | null;
  private core = new Float64Array(0);
  private tree: KdTree | null = null;
  private rngState: number;
  private buf: Float64Array;
  private dev: Float64Array;
  private outI = new Int32Array(1);
  private outD = new Float64Array(1);

  constructor(
    private p: DbscanParams,
    s?: DbscanState,
  ) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize));
    this.band = s ? { ...s.band } : emptyBand();
    this.model = s?.model ?? null;
    this.rngState = s?.rng ?? p.seed;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
    this.dev = new Float64Array(this.buf.length);
    if (this.model) this.load(this.model);
  }

  private load(m: DbscanJson): void {
    this.core = Float64Array.from(m.core);
    this.tree = new KdTree(this.core, this.core.length / m.width, m.width);
  }

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    this.dev = new Float64Array(this.buf.length);
    if (set.rows === 0) return;
    const rng = createRng(this.rngState);
    const { x, rows } = subsampleRows(set.x, set.rows, set.width, this.p.maxReference, rng);
    this.model = fitDbscan(x, rows, set.width, this.p.minPts, this.p.eps);
    this.load(this.model);
    this.band = bandFromSeries(set.series);
    this.rngState = rng.state();
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    let band = null as ReturnType<typeof updateBand> | null;
    const reason = this.f.admit(obs, this.buf, !!this.tree, () => {
      if (this.f.univariate) band = updateBand(this.band, obs.values[0]);
    });
    if (reason) return skipped(obs.t, reason);
    const m = this.model!;
    this.tree!.knn(this.buf, 0, 1, -1, this.outI, this.outD);
    const dist = this.outD[0];
    const score = ratioToScore(dist / m.eps);
    if (band) return { t: obs.t, score, raw: dist, ...(band as Band) };
    const base = this.outI[0] * m.width;
    for (let j = 0; j < m.width; j++) this.dev[j] = this.buf[j] - this.core[base + j];
    return { t: obs.t, score, raw: dist, attribution: attributeDeviations(this.dev, m.width) };
  }

  getState(): DbscanState {
    return { rng: this.rngState, features: this.f.getState(), band: { ...this.band }, model: this.model };
  }
}

export const dbscan: DetectorDefinition<DbscanParams, DbscanState> = {
  kind: "dbscan",
  label: "DBSCAN novelty",
  description:
    "Clusters a training window with DBSCAN; a point farther than eps from every core point (it would not " +
    "have joined any cluster) scores high. Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: dbscanParams,
  create: (params, state) => new DbscanDetector(dbscanParams.parse(params ?? {}), state),
};
