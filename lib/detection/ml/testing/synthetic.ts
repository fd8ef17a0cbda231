/** Seeded synthetic data for the ML detector tests and benchmark. */
import { createRng } from "@/lib/detection/random";
import type { Observation } from "@/lib/detection/types";

export function gaussianCloud(n: number, d: number, seed: number, scale = 1, center = 0): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => center + scale * rng.normal()));
}

export function toObservations(rows: number[][], t0 = 0, step = 1000): Observation[] {
  return rows.map((values, i) => ({ t: t0 + i * step, values }));
}

export function sineSeries(n: number, seed: number, period = 50, noise = 0.05): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * i) / period) + noise * rng.normal());
}

/** Area under the ROC curve by the rank-sum formula (ties count half). */
export function rocAuc(scores: number[], labels: boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let pos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]]) {
      rankSumPos += rank;
      pos++;
    }
    i = j + 1;
  }
  const neg = scores.length - pos;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
