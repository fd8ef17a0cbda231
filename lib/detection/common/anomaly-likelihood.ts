/**
 * Anomaly likelihood (Ahmad et al. 2017, "Unsupervised real-time anomaly detection for streaming
 * data", the post-processor behind HTM's NAB results): instead of thresholding a raw score, ask
 * how unusual the short-term average of raw scores is against their long-term distribution.
 * A detector that is always a bit wrong on a noisy series stops alerting; a sudden run of bad
 * predictions on a quiet series alerts early.
 *
 * The long-term distribution is an exponentially weighted mean/variance (decay 1/longWindow)
 * instead of HTM's 8640-point buffer: same horizon, O(1) state.
 */
import { z } from "zod";
import { RingBuffer } from "./ring-buffer";
import { decadesToScore, log10NormalTail, normalTail, scoreToDecades } from "./normal";

export const likelihoodParams = z.object({
  shortWindow: z.number().int().min(1).max(1000).default(10).describe("Points averaged into the short-term score"),
  longWindow: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .default(2000)
    .describe("Horizon in points of the long-term score distribution"),
  learningPoints: z
    .number()
    .int()
    .min(1)
    .default(300)
    .describe("Points seen before likelihoods are reported (the distribution needs history)"),
  minStd: z.number().positive().default(0.03).describe("Floor on the spread of averaged raw scores"),
});
export type LikelihoodParams = z.infer<typeof likelihoodParams>;

/** Rarity in decades: a score of 0.5 (3-sigma) is 2.57, 0.8 is 10; averaging these favours the rare. */
export function surprise(score: number): number {
  return Math.min(50, scoreToDecades(score));
}

export interface LikelihoodState {
  recent: number[];
  recentSum: number;
  n: number;
  mean: number;
  variance: number;
}

export interface LikelihoodResult {
  /** P(short-term average is at most this high) under the long-term distribution. */
  likelihood: number;
  /**
   * The tail mass in decades, d = -log10(1 - likelihood), on the library's score scale (0.5 is
   * as rare as a 3-sigma event). Unlike HTM's log scale it never saturates, so the most extreme
   * incidents still rank above merely unusual ones.
   */
  logScore: number;
  learning: boolean;
}

export class AnomalyLikelihood {
  private readonly recent: RingBuffer;
  private recentSum: number;
  private n: number;
  private mean: number;
  private variance: number;

  constructor(
    private readonly p: LikelihoodParams,
    state?: LikelihoodState,
  ) {
    this.recent = new RingBuffer(p.shortWindow, state?.recent);
    this.recentSum = state?.recentSum ?? 0;
    this.n = state?.n ?? 0;
    this.mean = state?.mean ?? 0;
    this.variance = state?.variance ?? 0;
  }

  /** Feeds one raw score (any non-negative scale where higher is worse). */
  update(raw: number): LikelihoodResult {
    const evicted = this.recent.push(raw);
    this.recentSum += raw - (Number.isNaN(evicted) ? 0 : evicted);
    const avg = this.recentSum / this.recent.size;

    const learning = this.n < this.p.learningPoints;
    let likelihood = 0.5;
    let logScore = 0;
    if (!learning) {
      const std = Math.max(Math.sqrt(this.variance), this.p.minStd);
      const zv = (avg - this.mean) / std;
      likelihood = 1 - normalTail(zv);
      logScore = decadesToScore(-log10NormalTail(zv));
    }

    // Welford-like start, then a fixed exponential horizon.
    this.n++;
    const alpha = Math.max(1 / this.n, 1 / this.p.longWindow);
    const d = avg - this.mean;
    this.mean += alpha * d;
    this.variance = (1 - alpha) * (this.variance + alpha * d * d);
    return { likelihood, logScore, learning };
  }

  getState(): LikelihoodState {
    return {
      recent: this.recent.toArray(),
      recentSum: this.recentSum,
      n: this.n,
      mean: this.mean,
      variance: this.variance,
    };
  }
}
