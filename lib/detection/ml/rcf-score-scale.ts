/**
 * Maps RCF's CoDisp onto [0, 1] against a running "typical" CoDisp: an exponentially weighted mean
 * whose inputs are clipped at 3× the current mean so anomalies do not drag the baseline up.
 * The edge of normal is EDGE_FACTOR × mean (CoDisp is heavy tailed; normal points rarely exceed it).
 */
import { ratioToScore } from "./common/score-map";

export interface ScoreScale {
  mean: number;
  n: number;
}

const ALPHA = 0.002;
const CLIP = 3;
const EDGE_FACTOR = 3;

export function emptyScale(): ScoreScale {
  return { mean: 0, n: 0 };
}

/** Returns the [0, 1] score of `raw` against the scale as it was, then (if `learn`) folds raw in. */
export function scaleScore(s: ScoreScale, raw: number, learn: boolean): number {
  const score = s.mean > 0 ? ratioToScore(raw / (EDGE_FACTOR * s.mean)) : 0;
  if (learn) {
    const x = s.n > 10 && s.mean > 0 ? Math.min(raw, CLIP * s.mean) : raw;
    s.mean += Math.max(ALPHA, 1 / (s.n + 1)) * (x - s.mean);
    s.n++;
  }
  return score;
}
