/**
 * Trains a d → h → b → h → d autoencoder with minibatch Adam on standardized rows and records what
 * "normal" reconstruction looks like: the p99 of the training RMSE and of the last feature's residual.
 */
import type { Rng } from "@/lib/detection/random";
import { quantile, safeScale } from "./common/score-map";
import { DenseNet } from "./dense-net";

export interface AutoencoderJson {
  sizes: number[];
  weights: number[];
  /** p99 of per-row reconstruction RMSE on the training window (the edge of normal). */
  edge: number;
  /** p99 of |residual| of the last feature, for univariate bands. */
  lastEdge: number;
  /** Mean training loss (MSE) per epoch, so callers can see training converged. */
  lossHistory: number[];
}

export interface TrainOptions {
  hidden: number;
  bottleneck: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  maxTrainRows: number;
}

export function trainAutoencoder(
  x: Float64Array,
  rows: number,
  w: number,
  o: TrainOptions,
  rng: Rng,
): AutoencoderJson {
  const net = new DenseNet([w, o.hidden, o.bottleneck, o.hidden, w]);
  net.initialize(rng);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const perEpoch = Math.min(rows, o.maxTrainRows);
  const lossHistory: number[] = [];
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    // Partial Fisher-Yates: a fresh random subset (all rows when they fit) in random order each epoch.
    for (let i = 0; i < perEpoch; i++) {
      const j = i + rng.int(rows - i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let total = 0;
    for (let start = 0; start < perEpoch; start += o.batchSize) {
      const end = Math.min(perEpoch, start + o.batchSize);
      const scale = 1 / (end - start);
      for (let b = start; b < end; b++) {
        const off = order[b] * w;
        net.forward(x, off);
        total += net.backward(x, off, scale);
      }
      net.adamStep(o.learningRate);
    }
    lossHistory.push(total / perEpoch);
  }
  const rmse = new Float64Array(rows);
  const lastResid = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    rmse[i] = reconstructionRmse(net, x, i * w);
    lastResid[i] = Math.abs(net.acts[net.acts.length - 1][w - 1] - x[i * w + w - 1]);
  }
  return {
    sizes: net.sizes,
    weights: Array.from(net.params),
    edge: safeScale(quantile(rmse, 0.99)),
    lastEdge: safeScale(quantile(lastResid, 0.99)),
    lossHistory,
  };
}

/** Forward pass plus RMSE; the reconstruction stays in the net's output buffer. */
export function reconstructionRmse(net: DenseNet, x: Float64Array, off: number): number {
  const out = net.forward(x, off);
  let s = 0;
  for (let i = 0; i < out.length; i++) {
    const e = out[i] - x[off + i];
    s += e * e;
  }
  return Math.sqrt(s / out.length);
}
