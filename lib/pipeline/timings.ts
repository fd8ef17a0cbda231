/**
 * Opt-in phase timings for the pipeline (bench and diagnosis only): with VIGIL_PIPELINE_TIMINGS set
 * to a file path, per-phase totals (count, sum, max in ms) are appended to it as one JSON line
 * every 5 s. Off (a no-op) otherwise.
 */
import { appendFileSync } from "node:fs";

const file = process.env.VIGIL_PIPELINE_TIMINGS;
const totals = new Map<string, { n: number; ms: number; max: number }>();

if (file) {
  setInterval(() => {
    if (totals.size === 0) return;
    const out = Object.fromEntries([...totals].map(([k, v]) => [k, { n: v.n, avg: +(v.ms / v.n).toFixed(2), max: +v.max.toFixed(1) }]));
    totals.clear();
    appendFileSync(file, `${JSON.stringify({ pid: process.pid, at: new Date().toISOString(), ...out })}\n`);
  }, 5_000).unref();
}

export function recordPhase(name: string, ms: number): void {
  if (!file) return;
  const t = totals.get(name) ?? { n: 0, ms: 0, max: 0 };
  t.n++;
  t.ms += ms;
  t.max = Math.max(t.max, ms);
  totals.set(name, t);
}

/** Times `fn` as phase `name` (only when timings are on). */
export async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    recordPhase(name, performance.now() - t0);
  }
}
