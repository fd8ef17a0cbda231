/**
 * For native scores with no natural zero (a negative log-likelihood, a one-class SVM margin): the
 * training median is "typical" and the training p99 the edge of normal, so r = (a − median) /
 * (p99 − median) is 1 at the edge and 0 for a typical point, ready for `ratioToScore`.
 */
import { quantile, safeScale } from "./score-map";

export interface SpreadScale {
  mid: number;
  edge: number;
}

export function fitSpreadScale(values: ArrayLike<number>, n = values.length): SpreadScale {
  const mid = quantile(values, 0.5, n);
  return { mid, edge: mid + safeScale(quantile(values, 0.99, n) - mid) };
}

export function spreadRatio(a: number, s: SpreadScale): number {
  return (a - s.mid) / (s.edge - s.mid);
}
