/**
 * The live demo's data, as a pure function of (seed, series, time): daily seasonality, slow
 * drift, noise, and injected anomalies (spikes, short level shifts, flatlines) scheduled by
 * hashing fixed time slots. No state, so a restarted runner regenerates exactly the same points,
 * history and live data join seamlessly, and tests can ask where the anomalies are.
 */

export const DEMO_STEP_MS = 5_000;
/** One slot may hold one anomaly on one series. */
export const DEMO_SLOT_MS = 90_000;
const DAY_MS = 86_400_000;

export type DemoAnomalyKind = "spike" | "level-shift" | "flatline";

export interface DemoSeriesSpec {
  metric: string;
  labels: Record<string, string>;
  base: number;
  /** Daily swing as a fraction of base. */
  daily: number;
  /** Noise standard deviation as a fraction of base. */
  noise: number;
  /** Drift amplitude as a fraction of base (a slow multi-day wave). */
  drift: number;
  /** Values are clipped at this floor (latency and counts are never negative). */
  min: number;
  integer?: boolean;
}

export interface DemoAnomaly {
  series: number;
  kind: DemoAnomalyKind;
  start: number;
  end: number;
}

export const DEMO_SERIES: readonly DemoSeriesSpec[] = Object.freeze([
  ...[1, 2, 3].map((h) => ({ metric: "cpu", labels: { host: `web-${h}` }, base: 40 + 5 * h, daily: 0.35, noise: 0.03, drift: 0.1, min: 0 })),
  ...["/api/search", "/api/checkout", "/"].map((route, i) => ({
    metric: "latency_ms",
    labels: { route },
    base: [120, 250, 45][i],
    daily: 0.25,
    noise: 0.04,
    drift: 0.08,
    min: 1,
  })),
  { metric: "orders_per_min", labels: {}, base: 300, daily: 0.5, noise: 0.03, drift: 0.05, min: 0, integer: true },
]);

/** 32-bit mix of integers (splitmix-style), stable across platforms. */
function hash(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h = Math.imul(h ^ Math.floor(p / 4294967296), 0xc2b2ae35);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2d);
  return (h ^ (h >>> 16)) >>> 0;
}

const unit = (...parts: number[]) => (hash(...parts) + 0.5) / 4294967296;

/** Standard normal noise for (seed, series, t), by Box-Muller over two hashed uniforms. */
function gaussian(seed: number, series: number, t: number): number {
  const u1 = unit(seed, series, t, 1);
  const u2 = unit(seed, series, t, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The anomaly scheduled in the slot that contains `t`, if any (about 60% of slots have one). */
export function anomalyInSlot(seed: number, slot: number, seriesCount = DEMO_SERIES.length): DemoAnomaly | null {
  if (unit(seed, slot, 7) > 0.6) return null;
  const series = hash(seed, slot, 8) % seriesCount;
  const kinds: DemoAnomalyKind[] = ["spike", "level-shift", "flatline"];
  const kind = kinds[hash(seed, slot, 9) % 3];
  const slotStart = slot * DEMO_SLOT_MS;
  const steps = DEMO_SLOT_MS / DEMO_STEP_MS;
  const length = kind === "spike" ? 1 + (hash(seed, slot, 10) % 2) : 8 + (hash(seed, slot, 10) % 5);
  const offset = 2 + (hash(seed, slot, 11) % (steps - length - 4));
  const start = slotStart + offset * DEMO_STEP_MS;
  return { series, kind, start, end: start + (length - 1) * DEMO_STEP_MS };
}

export function anomaliesBetween(seed: number, from: number, to: number): DemoAnomaly[] {
  const out: DemoAnomaly[] = [];
  for (let slot = Math.floor(from / DEMO_SLOT_MS); slot * DEMO_SLOT_MS <= to; slot++) {
    const a = anomalyInSlot(seed, slot);
    if (a && a.end >= from && a.start <= to) out.push(a);
  }
  return out;
}

/** The value without anomalies: seasonality + drift + noise. */
export function baselineValue(seed: number, series: number, t: number): number {
  const s = DEMO_SERIES[series];
  const phase = (hash(seed, series, 3) % 1000) / 1000;
  const daily = s.daily * Math.sin(2 * Math.PI * (t / DAY_MS + phase));
  const drift = s.drift * Math.sin((2 * Math.PI * t) / (5.3 * DAY_MS) + series);
  const v = s.base * (1 + daily + drift + s.noise * gaussian(seed, series, t));
  return finish(s, v);
}

function finish(s: DemoSeriesSpec, v: number): number {
  const clipped = Math.max(s.min, v);
  return s.integer ? Math.round(clipped) : Math.round(clipped * 100) / 100;
}

/** The value at `t` (aligned to DEMO_STEP_MS), anomaly included. */
export function demoValue(seed: number, series: number, t: number): number {
  const a = anomalyInSlot(seed, Math.floor(t / DEMO_SLOT_MS));
  if (!a || a.series !== series || t < a.start || t > a.end) return baselineValue(seed, series, t);
  const s = DEMO_SERIES[series];
  const normal = baselineValue(seed, series, t);
  if (a.kind === "spike") return finish(s, normal + s.base * (0.6 + unit(seed, t, 12) * 0.4));
  if (a.kind === "level-shift") return finish(s, normal + s.base * 0.45);
  // Flatline: the metric stops moving at a fraction of its level, like a stuck exporter or an outage.
  return finish(s, baselineValue(seed, series, a.start) * 0.25);
}

export interface DemoBatchSeries {
  series: string;
  labels: Record<string, string>;
  points: [string, number][];
}

/** Every series' points in (fromExclusive, toInclusive], on the DEMO_STEP_MS grid, as an ingest body. */
export function demoPoints(seed: number, fromExclusive: number, toInclusive: number): DemoBatchSeries[] {
  const first = Math.floor(fromExclusive / DEMO_STEP_MS) * DEMO_STEP_MS + DEMO_STEP_MS;
  return DEMO_SERIES.map((s, i) => {
    const points: [string, number][] = [];
    for (let t = first; t <= toInclusive; t += DEMO_STEP_MS) points.push([new Date(t).toISOString(), demoValue(seed, i, t)]);
    return { series: s.metric, labels: s.labels, points };
  });
}
