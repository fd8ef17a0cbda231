/**
 * The one input-sanitation policy shared by every detector, so "what happens to bad data" is
 * decided once: a skipped point gets score 0, carries a reason, and never touches model state.
 */
import type { Observation, Scored, SkipReason } from "../types";

/** Returns why `obs` must be skipped, or null when it is usable. `lastT` is the last accepted t. */
export function checkObservation(obs: Observation, lastT: number | null, dims = 1): SkipReason | null {
  if (!Number.isFinite(obs.t)) return "invalid";
  const values = obs.values;
  if (!values || values.length < dims) return "invalid";
  for (let i = 0; i < dims; i++) {
    // typeof guards null/undefined/strings that slipped through JSON; isFinite rejects NaN/±Infinity.
    if (typeof values[i] !== "number" || !Number.isFinite(values[i])) return "invalid";
  }
  if (lastT !== null) {
    if (obs.t === lastT) return "duplicate";
    // Late data is re-scored by the pipeline after sorting; folding it in here would corrupt state.
    if (obs.t < lastT) return "out-of-order";
  }
  return null;
}

export function skippedResult(t: number, reason: SkipReason): Scored {
  return { t, score: 0, raw: 0, skipped: reason };
}

/**
 * The shared frame of a univariate streaming detector: the input guard above (a skipped point never
 * reaches `step`), the last accepted time, and training as a replay of history through `update`.
 * `step(t, x)` holds only what is the detector's own.
 */
export function univariateStream(lastT: number | null, step: (t: number, x: number) => Scored) {
  const stream = {
    lastT,
    update(obs: Observation): Scored {
      const reason = checkObservation(obs, stream.lastT);
      if (reason) return skippedResult(obs.t, reason);
      stream.lastT = obs.t;
      return step(obs.t, obs.values[0]);
    },
    train(history: Observation[]): void {
      for (const obs of history) stream.update(obs);
    },
  };
  return stream;
}
