/**
 * A seeded corpus of labelled series for judging detectors on data nobody tuned them to: four
 * baselines (seasonal, trending, noisy, integer counts) times eight anomaly kinds, two anomalies
 * per series, with NAB-style windows (each 10% of the series / anomalies long, starting a tenth of
 * its length before the onset). Pure and deterministic: the same seed gives the same corpus.
 */
import { createRng, type Rng } from "../random";

export const BASELINES = ["seasonal", "trending", "noisy", "counts"] as const;
export const ANOMALY_KINDS = [
  "spike",
  "dip",
  "level-shift",
  "drift",
  "variance-burst",
  "frequency-change",
  "seasonal-break",
  "flatline",
] as const;
export type Baseline = (typeof BASELINES)[number];
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface SyntheticSeries {
  /** "synthetic-<baseline>/<kind>.csv", NAB's key shape. */
  key: string;
  baseline: Baseline;
  kind: AnomalyKind;
  timestamps: number[];
  values: number[];
  /** Inclusive epoch-ms bounds, one per anomaly. */
  windows: { start: number; end: number }[];
  onsets: number[];
}

const STEP_MS = 5 * 60_000;
const DAY = 288;
const START = Date.UTC(2025, 0, 6);
export const SYNTHETIC_POINTS = 14 * DAY;
const ANOMALIES = 2;

interface Base {
  level: number;
  sigma: number;
  amplitude: number;
  trendPerDay: number;
}

const BASES: Record<Baseline, Base> = {
  seasonal: { level: 100, sigma: 2, amplitude: 20, trendPerDay: 0 },
  trending: { level: 100, sigma: 2, amplitude: 6, trendPerDay: 3 },
  noisy: { level: 100, sigma: 5, amplitude: 15, trendPerDay: 0 },
  counts: { level: 20, sigma: Math.sqrt(20), amplitude: 12, trendPerDay: 0 },
};

/** Knuth's Poisson sampler; fine for the small rates used here. */
function poisson(rng: Rng, rate: number): number {
  const limit = Math.exp(-Math.max(0, rate));
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** One series: the clean signal is built point by point with the anomaly's changes folded in. */
function buildSeries(baseline: Baseline, kind: AnomalyKind, rng: Rng): SyntheticSeries {
  const b = BASES[baseline];
  const n = SYNTHETIC_POINTS;
  const probation = Math.ceil(0.15 * n);
  const windowLength = Math.floor((0.1 * n) / ANOMALIES);
  // Onsets in the two halves after probation, far enough apart that windows never touch.
  const span = Math.floor((n - probation - 2 * windowLength) / ANOMALIES);
  const onsets = Array.from({ length: ANOMALIES }, (_, k) => probation + windowLength + k * span + rng.int(span - windowLength));
  const sign = onsets.map(() => (rng.next() < 0.5 ? -1 : 1));
  let ar = 0;
  let shift = 0;
  let stuck: number | null = null;
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = onsets.findIndex((o) => i >= o && i < o + windowLength);
    const since = k >= 0 ? i - onsets[k] : -1;
    let phase = (2 * Math.PI * i) / DAY;
    let noiseScale = 1;
    let extra = 0;
    if (since >= 0) {
      if (kind === "frequency-change" && since < DAY) phase *= 2;
      if (kind === "seasonal-break" && since < DAY) phase += Math.PI;
      if (kind === "variance-burst" && since < 100) noiseScale = 5;
      if (kind === "spike" && since === 0) extra = 8 * b.sigma;
      if (kind === "dip" && since === 0) extra = -Math.min(8 * b.sigma, 0.9 * b.level);
      if (kind === "level-shift" && since === 0) shift += sign[k] * 5 * b.sigma;
      if (kind === "drift" && since < 400) shift += (sign[k] * 8 * b.sigma) / 400;
    }
    const mean = b.level + b.amplitude * Math.sin(phase) + (b.trendPerDay * i) / DAY + shift + extra;
    let v: number;
    if (baseline === "counts") {
      v = poisson(rng, Math.max(0.5, mean + (noiseScale - 1) * b.sigma * rng.normal()));
    } else {
      ar = 0.5 * ar + Math.sqrt(0.75) * rng.normal();
      v = mean + b.sigma * noiseScale * ar;
      v = Math.round(v * 1000) / 1000;
    }
    if (kind === "flatline" && since >= 0 && since < 150) {
      stuck ??= values[i - 1];
      v = stuck;
    } else stuck = null;
    values.push(v);
    timestamps.push(START + i * STEP_MS);
  }
  const lead = Math.floor(windowLength / 10);
  const windows = onsets.map((o) => ({
    start: timestamps[o - lead],
    end: timestamps[Math.min(n - 1, o - lead + windowLength - 1)],
  }));
  return { key: `synthetic-${baseline}/${kind}.csv`, baseline, kind, timestamps, values, windows, onsets };
}

export function syntheticCorpus(seed = 2026): SyntheticSeries[] {
  const out: SyntheticSeries[] = [];
  BASELINES.forEach((baseline, bi) =>
    ANOMALY_KINDS.forEach((kind, ki) => out.push(buildSeries(baseline, kind, createRng(seed * 1000 + bi * 100 + ki)))),
  );
  return out;
}
