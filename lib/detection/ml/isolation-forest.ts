/**
 * Isolation forest detector: trained on a window of history, then scores each new point by how
 * quickly random axis-aligned cuts isolate it. `score` is the paper's s = 2^(-E[h(x)]/c(ψ)) (≈0.5 or
 * less for ordinary points, towards 1 for anomalies); `raw` is the mean path length E[h(x)].
 * Univariate `expected`/`lower`/`upper` come from a robust running level (see common/level-band.ts),
 * since the forest itself has no forecast. Multivariate points carry an attribution: the bits of isolation
 * each feature's splits gave along the point's paths.
 */
import { z } from "zod";
import { createRng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { toAttribution } from "./common/attribution";
import { Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { bandFromSeries, updateBand, type BandState } from "./common/level-band";
import { seedParam, shingleModeParam, shingleParam } from "./common/params";
import { IsolationForestModel, type ForestJson } from "./isolation-forest-model";

export const isolationForestParams = z.object({
  trees: z.number().int().min(1).max(1000).default(100).describe("Number of trees"),
  sampleSize: z.number().int().min(2).max(100_000).default(256).describe("Subsample size ψ per tree"),
  shingleSize: shingleParam(8),
  shingleMode: shingleModeParam(),
  seed: seedParam,
});
export type IsolationForestParams = z.infer<typeof isolationForestParams>;

export interface IsolationForestState {
  rng: number;
  features: FeatureState;
  band: BandState;
  forest: ForestJson | null;
}

class IsolationForestDetector implements Detector<IsolationForestState> {
  readonly kind = "isolation-forest";
  private f: Featurizer;
  private forest: IsolationForestModel | null;
  private band: BandState;
  private rngState: number;
  private buf = new Float64Array(0);

  constructor(
    private p: IsolationForestParams,
    s?: IsolationForestState,
  ) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize, p.shingleMode), p.shingleMode);
    this.forest = s?.forest ? IsolationForestModel.fromJSON(s.forest) : null;
    this.band = s ? { ...s.band } : bandFromSeries([]);
    this.rngState = s?.rng ?? p.seed;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
  }

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    if (set.rows === 0) return;
    const rng = createRng(this.rngState);
    this.forest = IsolationForestModel.fit(set.x, set.rows, set.width, this.p.trees, this.p.sampleSize, rng);
    this.rngState = rng.state();
    this.band = bandFromSeries(set.series);
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    let band = null as ReturnType<typeof updateBand> | null;
    const reason = this.f.admit(obs, this.buf, !!this.forest, () => {
      if (this.f.univariate) band = updateBand(this.band, obs.values[0]);
    });
    if (reason) return skipped(obs.t, reason);
    const forest = this.forest!;
    const path = forest.pathLength(this.buf);
    const out: Scored = { t: obs.t, score: forest.scoreFromPath(path), raw: path };
    if (!this.f.univariate) return { ...out, attribution: this.attribute(forest) };
    return band ? { ...out, ...band } : out;
  }

  /** Bits of isolation per feature along the point's paths (isolation-forest-model.ts `attribute`). */
  private attribute(forest: IsolationForestModel) {
    const w = this.f.width;
    const contrib = new Float64Array(w);
    const side = new Float64Array(w);
    forest.attribute(this.buf, 0, contrib, side);
    return toAttribution(contrib, side);
  }

  getState(): IsolationForestState {
    return {
      rng: this.rngState,
      features: this.f.getState(),
      band: { ...this.band },
      forest: this.forest ? this.forest.toJSON() : null,
    };
  }
}

export const isolationForest: DetectorDefinition<IsolationForestParams, IsolationForestState> = {
  kind: "isolation-forest",
  label: "Isolation forest",
  description:
    "Trains random isolation trees on a window of history; points that are isolated in few cuts score high. " +
    "Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.65,
  needsTraining: true,
  params: isolationForestParams,
  create: (params, state) => new IsolationForestDetector(isolationForestParams.parse(params ?? {}), state),
};
