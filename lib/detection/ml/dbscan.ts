/**
 * DBSCAN novelty detector: DBSCAN on a training window (eps from the k-distance knee unless given);
 * a point scores by its distance to the nearest core point (`raw`, standardized units) relative to
 * eps: within eps it would have joined a cluster (score < 0.5), beyond it it is new. Univariate
 * input is shingled, with the robust running level as band. Multivariate points carry an
 * attribution: each feature's share of the squared distance to that core point.
 */
import { z } from "zod";
import type { Rng } from "@/lib/detection/random";
import type { DetectorDefinition, Scored } from "@/lib/detection/types";
import type { TrainingSet } from "./common/featurizer";
import type { Band } from "./common/level-band";
import { seedParam, shingleModeParam, shingleParam } from "./common/params";
import { ratioToScore } from "./common/score-map";
import { subsampleRows } from "./common/subsample";
import { TrainedDetector, type TrainedState } from "./common/trained-detector";
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
  shingleMode: shingleModeParam(),
  seed: seedParam,
});
export type DbscanParams = z.infer<typeof dbscanParams>;

export type DbscanState = TrainedState<DbscanJson>;

class DbscanDetector extends TrainedDetector<DbscanJson, DbscanState> {
  readonly kind = "dbscan";
  private core = new Float64Array(0);
  private tree: KdTree | null = null;
  private outI = new Int32Array(1);
  private outD = new Float64Array(1);

  constructor(
    private p: DbscanParams,
    s?: DbscanState,
  ) {
    super(p, s, true);
    if (this.model) this.load(this.model);
  }

  protected fit(set: TrainingSet, rng: Rng): DbscanJson {
    const { x, rows } = subsampleRows(set.x, set.rows, set.width, this.p.maxReference, rng);
    return fitDbscan(x, rows, set.width, this.p.minPts, this.p.eps);
  }

  protected load(m: DbscanJson): void {
    this.core = Float64Array.from(m.core);
    this.tree = new KdTree(this.core, this.core.length / m.width, m.width);
  }

  protected score(t: number, m: DbscanJson, band: Band | null): Scored {
    this.tree!.knn(this.buf, 0, 1, -1, this.outI, this.outD);
    const dist = this.outD[0];
    const score = ratioToScore(dist / m.eps);
    if (band) return { t, score, raw: dist, ...band };
    return this.lazyFrom(t, score, dist, this.core, this.outI[0] * m.width, m.width);
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
