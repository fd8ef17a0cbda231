/**
 * Autoencoder detector: a small dense autoencoder trained on a window of history; points the network
 * cannot reconstruct are off the learned manifold. `raw` is the reconstruction RMSE in standardized
 * units, `score` maps it relative to the training p99. For univariate series `expected` is the
 * reconstruction of the newest value and the band is ± the training p99 of that value's residual.
 * Multivariate points carry an attribution: each feature's part of the squared reconstruction error.
 */
import { z } from "zod";
import { createRng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { trainAutoencoder, reconstructionRmse, type AutoencoderJson } from "./autoencoder-model";
import { toAttribution } from "./common/attribution";
import { Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { seedParam, shingleModeParam, shingleParam } from "./common/params";
import { ratioToScore } from "./common/score-map";
import { DenseNet } from "./dense-net";

export const autoencoderParams = z.object({
  hidden: z.number().int().min(1).max(256).default(16).describe("Units in each outer hidden layer"),
  bottleneck: z.number().int().min(1).max(64).default(3).describe("Units in the bottleneck layer"),
  epochs: z.number().int().min(1).max(1000).default(30).describe("Passes over the training rows"),
  batchSize: z.number().int().min(1).max(4096).default(32),
  learningRate: z.number().positive().max(1).default(0.005).describe("Adam step size"),
  maxTrainRows: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .default(20_000)
    .describe("Rows drawn per epoch from longer training windows"),
  shingleSize: shingleParam(8),
  shingleMode: shingleModeParam(),
  seed: seedParam,
});
export type AutoencoderParams = z.infer<typeof autoencoderParams>;

export interface AutoencoderState {
  rng: number;
  features: FeatureState;
  model: AutoencoderJson | null;
}

class AutoencoderDetector implements Detector<AutoencoderState> {
  readonly kind = "autoencoder";
  private f: Featurizer;
  private model: AutoencoderJson | null;
  private net: DenseNet | null;
  private rngState: number;
  private buf: Float64Array;

  constructor(
    private p: AutoencoderParams,
    s?: AutoencoderState,
  ) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize, p.shingleMode), p.shingleMode);
    this.model = s?.model ?? null;
    this.net = this.model ? new DenseNet(this.model.sizes, this.model.weights) : null;
    this.rngState = s?.rng ?? p.seed;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
  }

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    if (set.rows === 0) return;
    const rng = createRng(this.rngState);
    this.model = trainAutoencoder(set.x, set.rows, set.width, this.p, rng);
    this.net = new DenseNet(this.model.sizes, this.model.weights);
    this.rngState = rng.state();
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    const reason = this.f.admit(obs, this.buf, !!this.model && !!this.net);
    if (reason) return skipped(obs.t, reason);
    const model = this.model!;
    const net = this.net!;
    const rmse = reconstructionRmse(net, this.buf, 0);
    const out: Scored = { t: obs.t, score: ratioToScore(rmse / model.edge), raw: rmse };
    const recon = net.acts[net.acts.length - 1];
    if (!this.f.univariate) return { ...out, attribution: this.attribute(recon) };
    const last = this.f.width - 1;
    const expected = this.f.unscale(last, recon[last]);
    const half = this.f.unscaleWidth(last, model.lastEdge);
    return { ...out, expected, lower: expected - half, upper: expected + half };
  }

  /** Each feature's squared reconstruction error, its part of the row's MSE; sign of (x - reconstruction). */
  private attribute(recon: Float64Array) {
    const w = recon.length;
    const dev = new Float64Array(w);
    const contrib = new Float64Array(w);
    for (let f = 0; f < w; f++) {
      dev[f] = this.buf[f] - recon[f];
      contrib[f] = dev[f] * dev[f];
    }
    return toAttribution(contrib, dev);
  }

  getState(): AutoencoderState {
    return { rng: this.rngState, features: this.f.getState(), model: this.model };
  }
}

export const autoencoder: DetectorDefinition<AutoencoderParams, AutoencoderState> = {
  kind: "autoencoder",
  label: "Autoencoder",
  description:
    "Trains a small neural autoencoder on a window of history; points it reconstructs poorly (off the " +
    "learned patterns) score high. Multivariate, or univariate via shingling.",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: autoencoderParams,
  create: (params, state) => new AutoencoderDetector(autoencoderParams.parse(params ?? {}), state),
};
