/**
 * A seeded corpus of correlated groups for judging multivariate detectors and their attribution: each
 * group has 4 to 40 members driven by two or three shared seasonal factors (daily and half-daily, member
 * loadings and units differ) plus member noise; after a training stretch, anomalies of three kinds are
 * injected into known members:
 * - `correlation`: 1 to 3 members follow the negated factors for a while (each stays in its own range,
 *   only its relation to the others breaks);
 * - `shift-several`: a quarter of the members (at least 2) move by 0.6 of their standard deviation;
 * - `one-big`: one member moves by 4 standard deviations.
 * Windows are the anomaly extended by `PAD` steps either side. Pure and deterministic per seed.
 */
import { createRng, type Rng } from "../random";

export const GROUP_ANOMALY_KINDS = ["correlation", "shift-several", "one-big"] as const;
export type GroupAnomalyKind = (typeof GROUP_ANOMALY_KINDS)[number];

export interface InjectedAnomaly {
  kind: GroupAnomalyKind;
  /** Step indices, inclusive. */
  from: number;
  to: number;
  /** Members the anomaly was injected into. */
  members: number[];
  /** Inclusive epoch-ms window (the anomaly ± PAD steps). */
  window: { start: number; end: number };
}

export interface SeriesGroup {
  key: string;
  size: number;
  timestamps: number[];
  /** rows[i] = the members' values at step i. */
  rows: number[][];
  /** Steps before this index are the training stretch (no anomalies). */
  trainSteps: number;
  anomalies: InjectedAnomaly[];
}

export const GROUP_SIZES = [4, 5, 6, 8, 10, 12, 16, 20, 24, 30, 36, 40];
const STEP_MS = 5 * 60_000;
const DAY = 288;
const START = Date.UTC(2025, 0, 6);
export const GROUP_STEPS = 8 * DAY;
export const GROUP_TRAIN_STEPS = 3 * DAY;
const PAD = 12;

/** The corpus for a seed: one group per size in GROUP_SIZES, one anomaly of each kind per group. */
export function multivariateCorpus(seed: number, sizes = GROUP_SIZES): SeriesGroup[] {
  const rng = createRng(seed);
  return sizes.map((size, g) => makeGroup(`group-${g + 1}-of-${size}`, size, rng));
}

function shuffle(rng: Rng, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function makeGroup(key: string, size: number, rng: Rng): SeriesGroup {
  const factors = 2 + rng.int(2);
  const phases = Array.from({ length: factors }, () => 2 * Math.PI * rng.next());
  const periods = Array.from({ length: factors }, (_, k) => (k === 1 ? DAY / 2 : DAY) * (1 + 0.1 * k));
  const factor = (k: number, i: number) => Math.sin((2 * Math.PI * i) / periods[k] + phases[k]);
  const members = Array.from({ length: size }, () => ({
    loadings: Array.from({ length: factors }, () => (rng.next() < 0.5 ? -1 : 1) * (0.3 + rng.next())),
    offset: 100 * rng.next(),
    unit: Math.pow(10, 2 * rng.next() - 0.5),
    noise: 0.1 + 0.15 * rng.next(),
  }));
  // Each member's standard deviation (signal + noise), in its own units, for the injected sizes.
  const sd = members.map((m) => m.unit * Math.sqrt(m.loadings.reduce((s, l) => s + (l * l) / 2, 0) + m.noise ** 2));
  const timestamps = Array.from({ length: GROUP_STEPS }, (_, i) => START + i * STEP_MS);
  const clean = (j: number, i: number, sign = 1) => {
    const m = members[j];
    let v = 0;
    for (let k = 0; k < factors; k++) v += m.loadings[k] * factor(k, i);
    return m.offset + m.unit * sign * v;
  };
  const noise = timestamps.map(() => members.map((m) => m.unit * m.noise * rng.normal()));
  const rows = timestamps.map((_, i) => members.map((__, j) => clean(j, i) + noise[i][j]));

  const anomalies: InjectedAnomaly[] = [];
  const span = Math.floor((GROUP_STEPS - GROUP_TRAIN_STEPS) / GROUP_ANOMALY_KINDS.length);
  GROUP_ANOMALY_KINDS.forEach((kind, a) => {
    const length = 8 + rng.int(17);
    const from = GROUP_TRAIN_STEPS + a * span + 2 * PAD + rng.int(span - length - 4 * PAD);
    const to = from + length - 1;
    const order = shuffle(rng, size);
    const count = kind === "correlation" ? 1 + rng.int(3) : kind === "shift-several" ? Math.max(2, Math.round(size / 4)) : 1;
    const chosen = order.slice(0, count).sort((x, y) => x - y);
    const magnitude = kind === "shift-several" ? 0.6 : 4;
    const shift = chosen.map((j) => (rng.next() < 0.5 ? -magnitude : magnitude) * sd[j]);
    for (let i = from; i <= to; i++) {
      chosen.forEach((j, c) => {
        rows[i][j] = kind === "correlation" ? clean(j, i, -1) + noise[i][j] : rows[i][j] + shift[c];
      });
    }
    const window = { start: timestamps[from - PAD], end: timestamps[Math.min(GROUP_STEPS - 1, to + PAD)] };
    anomalies.push({ kind, from, to, members: chosen, window });
  });
  return { key, size, timestamps, rows, trainSteps: GROUP_TRAIN_STEPS, anomalies };
}
