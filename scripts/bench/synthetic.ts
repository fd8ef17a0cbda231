/** Seeded synthetic data for the throughput bench, with known anomalies for ROC-AUC. */
import { createRng } from "../../lib/detection/random";
import type { Observation } from "../../lib/detection/types";

const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 1);

/** Minute data: daily and weekly seasonality, Gaussian noise, and a spike on about 0.1% of points. */
export function univariateSeries(points: number, seed = 1): Observation[] {
  const rng = createRng(seed);
  const out: Observation[] = new Array(points);
  for (let i = 0; i < points; i++) {
    const day = Math.sin((2 * Math.PI * i) / 1440);
    const week = Math.sin((2 * Math.PI * i) / 10_080);
    let v = 100 + 20 * day + 8 * week + 2 * rng.normal();
    if (rng.next() < 0.001) v += (rng.next() < 0.5 ? -1 : 1) * (15 + 20 * rng.next());
    out[i] = { t: START + i * MINUTE, values: [v] };
  }
  return out;
}

export interface LabelledRows {
  rows: number;
  width: number;
  /** Row-major. */
  x: Float64Array;
  /** 1 for an injected outlier. */
  labels: Uint8Array;
}

const OUTLIER_SPREAD = 3;

/**
 * Three correlated Gaussian clusters in `width` dimensions; `outlierRate` of the rows come from
 * the same clusters with three times the spread, so they are hard to tell from the tails.
 */
export function labelledRows(rows: number, width: number, outlierRate = 0.01, seed = 7): LabelledRows {
  const rng = createRng(seed);
  const clusters = Array.from({ length: 3 }, () => ({
    mean: Array.from({ length: width }, () => 10 * rng.normal()),
    mix: Array.from({ length: width * width }, () => rng.normal() / Math.sqrt(width)),
  }));
  const x = new Float64Array(rows * width);
  const labels = new Uint8Array(rows);
  const z = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    const outlier = rng.next() < outlierRate;
    labels[r] = outlier ? 1 : 0;
    const c = clusters[rng.int(clusters.length)];
    for (let j = 0; j < width; j++) z[j] = rng.normal() * (outlier ? OUTLIER_SPREAD : 1);
    for (let j = 0; j < width; j++) {
      let v = c.mean[j];
      for (let k = 0; k < width; k++) v += c.mix[j * width + k] * z[k];
      x[o + j] = v;
    }
  }
  return { rows, width, x, labels };
}

export function rowsToObservations(data: LabelledRows): Observation[] {
  return Array.from({ length: data.rows }, (_, r) => ({
    t: START + r * MINUTE,
    values: Array.from(data.x.subarray(r * data.width, (r + 1) * data.width)),
  }));
}
