/**
 * Vigil's input policy (lib/detection/common/input-guard.ts) applied to shingled and multivariate
 * input: non-finite → invalid, same t → duplicate, earlier t → out-of-order; skipped points leave
 * state untouched.
 */
import { checkObservation as guard } from "@/lib/detection/common/input-guard";
import type { Observation, Scored, SkipReason } from "@/lib/detection/types";

/**
 * Delegates to the library-wide guard; `dim` is the value count fixed by training or the first
 * observation (0 while unknown). As for every Vigil detector, extra values beyond `dim` are ignored.
 */
export function checkObservation(obs: Observation, lastT: number | null, dim: number): SkipReason | null {
  if (!obs) return "invalid";
  return guard(obs, lastT, Math.max(1, dim));
}

export function skipped(t: number, reason: SkipReason): Scored {
  return { t, score: 0, raw: 0, skipped: reason };
}

/** Drops history points the live policy would skip, so training sees what `update` would have. */
export function cleanHistory(history: Observation[], dim: number): Observation[] {
  const out: Observation[] = [];
  let lastT: number | null = null;
  let d = dim;
  for (const obs of history) {
    if (checkObservation(obs, lastT, d) !== null) continue;
    if (d === 0) d = obs.values.length;
    out.push(obs);
    lastT = obs.t;
  }
  return out;
}
