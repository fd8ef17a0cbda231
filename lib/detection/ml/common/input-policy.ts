/**
 * Vigil's input policy, shared by every ML detector so they agree on what a "skipped" point is:
 * non-finite → invalid, same t → duplicate, earlier t → out-of-order. Invalid points leave state untouched.
 */
import type { Observation, Scored, SkipReason } from "@/lib/detection/types";

/** `dim` is the value count fixed by training (0 while unknown); a mismatch counts as invalid input. */
export function checkObservation(obs: Observation, lastT: number | null, dim: number): SkipReason | null {
  const v = obs?.values;
  if (!obs || !Number.isFinite(obs.t) || !Array.isArray(v) || v.length === 0) return "invalid";
  if (dim > 0 && v.length !== dim) return "invalid";
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return "invalid";
  if (lastT !== null) {
    if (obs.t === lastT) return "duplicate";
    if (obs.t < lastT) return "out-of-order";
  }
  return null;
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
