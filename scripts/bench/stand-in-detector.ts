/**
 * A stand-in for the registry while it is being written: rolling z-score over the last `window`
 * points, score = min(1, |z| / 8), so the default threshold 0.5 means |z| >= 4.
 */
import type { Detector, Observation, Scored } from "../../lib/detection/types";

interface StandInState {
  recent: number[];
}

export function createStandInDetector(window = 200, state?: StandInState): Detector<StandInState> {
  const recent = state ? [...state.recent] : [];
  let sum = recent.reduce((a, b) => a + b, 0);
  let sumSq = recent.reduce((a, b) => a + b * b, 0);
  const push = (x: number) => {
    recent.push(x);
    sum += x;
    sumSq += x * x;
    if (recent.length > window) {
      const old = recent.shift()!;
      sum -= old;
      sumSq -= old * old;
    }
  };
  return {
    kind: "stand-in-zscore",
    train(history: Observation[]) {
      for (const obs of history) push(obs.values[0]);
    },
    update(obs: Observation): Scored {
      const x = obs.values[0];
      if (!Number.isFinite(x)) return { t: obs.t, score: 0, raw: 0, skipped: "invalid" };
      const n = recent.length;
      const mean = n ? sum / n : x;
      const std = n > 1 ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : 0;
      const z = std > 0 ? (x - mean) / std : 0;
      push(x);
      return { t: obs.t, score: Math.min(1, Math.abs(z) / 8), raw: z, expected: mean, lower: mean - 4 * std, upper: mean + 4 * std };
    },
    getState: () => ({ recent: [...recent] }),
  };
}
