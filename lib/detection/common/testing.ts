/**
 * Test helpers shared by the detector tests (imported only from *.test.ts files).
 */
import type { DetectorDefinition, Observation, Scored } from "../types";
import { createRng } from "../random";

/** Feeds everything at once, and again split at k with a JSON round trip of the state between. */
export function runSplit(def: DetectorDefinition, params: unknown, obs: Observation[], k: number, train?: Observation[]) {
  const parsed = def.params.parse(params);
  const whole = def.create(parsed);
  if (train) whole.train?.(train);
  const all = obs.map((o) => whole.update(o));

  const first = def.create(parsed);
  if (train) first.train?.(train);
  const head = obs.slice(0, k).map((o) => first.update(o));
  const state = JSON.parse(JSON.stringify(first.getState()));
  const resumed = def.create(parsed, state);
  const tail = obs.slice(k).map((o) => resumed.update(o));
  return { all, split: [...head, ...tail] as Scored[] };
}

/** A noisy daily sine with 5-minute sampling, a few gaps and bad points, and planted anomalies. */
export function syntheticSeries(n: number, seed = 1): Observation[] {
  const rng = createRng(seed);
  const out: Observation[] = [];
  const step = 300_000;
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    t += step * (rng.next() < 0.01 ? 5 : 1);
    let v = 10 + 3 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000) + rng.normal() * 0.3;
    if (i % 997 === 500) v += 8;
    out.push({ t, values: [v] });
    if (i % 331 === 7) out.push({ t, values: [v] }); // duplicate
    if (i % 419 === 9) out.push({ t, values: [NaN] });
  }
  return out;
}
