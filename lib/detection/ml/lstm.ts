/**
 * LSTM forecaster: a one-layer LSTM (lstm-net.ts) trained on a window of history (truncated BPTT over
 * `lookback`-step windows, Adam, seeded) forecasts each point from the `lookback` points before it; the
 * forecast error is the anomaly. Univariate series and grouped input (one vector per step, vector in,
 * vector out) alike. `raw` is the forecast RMSE over features in standardized units, the native score
 * r²/(1+r²) of RMSE / training p99 RMSE (as the autoencoder); calibrated on top like every kind.
 * Univariate: `expected` is the forecast, the band ± the training p99 absolute error. Grouped: the
 * attribution is each feature's share of the squared forecast error, direction the sign of (value − forecast).
 */
import { z } from "zod";
import { createRng, type Rng } from "@/lib/detection/random";
import type { Detector, DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { toAttribution } from "./common/attribution";
import { Featurizer, type FeatureState } from "./common/featurizer";
import { skipped } from "./common/input-policy";
import { seedParam } from "./common/params";
import { quantile, ratioToScore, safeScale } from "./common/score-map";
import { LstmNet } from "./lstm-net";

export const lstmParams = z.object({
  hidden: z.number().int().min(2).max(64).default(16).describe("LSTM units"),
  lookback: z.number().int().min(2).max(200).default(24).describe("Points the forecast reads (the BPTT window)"),
  epochs: z.number().int().min(1).max(200).default(8).describe("Passes over the training windows"),
  batchSize: z.number().int().min(1).max(1024).default(16).describe("Windows per Adam step"),
  learningRate: z.number().positive().max(1).default(0.01).describe("Adam step size"),
  maxTrainWindows: z
    .number()
    .int()
    .min(10)
    .max(100_000)
    .default(1000)
    .describe("Windows drawn per epoch from longer training histories"),
  seed: seedParam,
});
export type LstmParams = z.infer<typeof lstmParams>;

export interface LstmModelJson {
  inputs: number;
  hidden: number;
  lookback: number;
  weights: number[];
  /** p99 of the training forecast RMSE (the edge of normal). */
  edge: number;
  /** Per feature: p99 of the training absolute forecast error (univariate bands). */
  featureEdge: number[];
  /** Mean training loss (MSE per forecast value) per epoch. */
  lossHistory: number[];
}

export interface LstmState {
  rng: number;
  features: FeatureState;
  model: LstmModelJson | null;
  /** The last `lookback` standardized vectors, oldest first, row-major. */
  recent: number[];
}

/** Trains on the standardized rows x (rows × d); windows of lookback + 1 rows, forecasts from step lookback/2 on. */
export function trainLstm(x: Float64Array, rows: number, d: number, p: LstmParams, rng: Rng): LstmModelJson | null {
  const L = p.lookback;
  const windows = rows - L;
  if (windows < 1) return null;
  const net = new LstmNet(d, p.hidden, L);
  net.initialize(rng);
  const burnIn = Math.floor(L / 2);
  const perEpoch = Math.min(windows, p.maxTrainWindows);
  const order = Int32Array.from({ length: windows }, (_, i) => i);
  const lossHistory: number[] = [];
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let i = 0; i < perEpoch; i++) {
      const j = i + rng.int(windows - i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let total = 0;
    for (let start = 0; start < perEpoch; start += p.batchSize) {
      const end = Math.min(perEpoch, start + p.batchSize);
      const scale = 1 / ((end - start) * (L - burnIn) * d);
      for (let b = start; b < end; b++) total += net.accumulate(x, order[b] * d, burnIn, scale);
      net.adamStep(p.learningRate);
    }
    lossHistory.push((2 * total) / (perEpoch * (L - burnIn) * d));
  }
  // The edge of normal: forecast errors of every training window's last step, as scoring computes them.
  const rmse = new Float64Array(windows);
  const abs = Array.from({ length: d }, () => new Float64Array(windows));
  for (let w = 0; w < windows; w++) {
    const y = net.forward(x, w * d);
    let s = 0;
    for (let k = 0; k < d; k++) {
      const e = x[(w + L) * d + k] - y[k];
      s += e * e;
      abs[k][w] = Math.abs(e);
    }
    rmse[w] = Math.sqrt(s / d);
  }
  return {
    inputs: d,
    hidden: p.hidden,
    lookback: L,
    weights: Array.from(net.params),
    edge: safeScale(quantile(rmse, 0.99)),
    featureEdge: abs.map((a) => safeScale(quantile(a, 0.99))),
    lossHistory,
  };
}

class LstmDetector implements Detector<LstmState> {
  readonly kind = "lstm";
  private f: Featurizer;
  private model: LstmModelJson | null;
  private net: LstmNet | null;
  private rngState: number;
  private recent: number[];
  private buf: Float64Array;
  private window: Float64Array;

  constructor(
    private p: LstmParams,
    s?: LstmState,
  ) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(1));
    this.model = s?.model ?? null;
    this.net = this.model ? new LstmNet(this.model.inputs, this.model.hidden, this.model.lookback, this.model.weights) : null;
    this.rngState = s?.rng ?? p.seed;
    this.recent = s?.recent ? [...s.recent] : [];
    this.buf = new Float64Array(Math.max(1, this.f.width));
    this.window = new Float64Array(this.recent.length);
  }

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    const rng = createRng(this.rngState);
    this.model = trainLstm(set.x, set.rows, set.width, this.p, rng);
    this.rngState = rng.state();
    this.net = this.model ? new LstmNet(set.width, this.p.hidden, this.p.lookback, this.model.weights) : null;
    // Prime the window with the end of the history, so live scoring starts at once.
    this.recent = Array.from(set.x.subarray(Math.max(0, set.rows - this.p.lookback) * set.width, set.rows * set.width));
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    const reason = this.f.admit(obs, this.buf, !!this.model && !!this.net);
    if (reason) return skipped(obs.t, reason);
    const m = this.model!;
    const d = m.inputs;
    const full = this.recent.length === m.lookback * d;
    let out: Scored | null = null;
    if (full) {
      if (this.window.length !== this.recent.length) this.window = new Float64Array(this.recent.length);
      this.window.set(this.recent);
      const y = this.net!.forward(this.window, 0);
      const dev = new Float64Array(d);
      const sq = new Float64Array(d);
      let s = 0;
      for (let k = 0; k < d; k++) {
        dev[k] = this.buf[k] - y[k];
        sq[k] = dev[k] * dev[k];
        s += sq[k];
      }
      const rmse = Math.sqrt(s / d);
      out = { t: obs.t, score: ratioToScore(rmse / m.edge), raw: rmse };
      if (d > 1) out.attribution = toAttribution(sq, dev);
      else {
        const expected = this.f.unscale(0, y[0]);
        const half = this.f.unscaleWidth(0, m.featureEdge[0]);
        out = { ...out, expected, lower: expected - half, upper: expected + half };
      }
    }
    for (let k = 0; k < d; k++) this.recent.push(this.buf[k]);
    if (this.recent.length > m.lookback * d) this.recent.splice(0, this.recent.length - m.lookback * d);
    return out ?? skipped(obs.t, "warmup");
  }

  getState(): LstmState {
    return { rng: this.rngState, features: this.f.getState(), model: this.model, recent: [...this.recent] };
  }
}

export const lstm: DetectorDefinition<LstmParams, LstmState> = {
  kind: "lstm",
  label: "LSTM forecaster",
  description:
    "Trains a small LSTM network on a window of history to forecast each point from the ones before it; a " +
    "large forecast error scores high. Univariate, or a group of series forecast together (vector in, vector out).",
  input: "both",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: lstmParams,
  create: (params, state) => new LstmDetector(lstmParams.parse(params ?? {}), state),
};
