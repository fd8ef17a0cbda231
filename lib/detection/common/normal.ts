/**
 * Normal-distribution tails and score normalization. Scores in Vigil live in [0, 1] so one
 * threshold scale fits every detector; a z value maps to the (log) tail mass it excludes, so a
 * score of 0.5 always means "as rare as a 3-sigma event".
 */
import type { Scored } from "../types";

/**
 * Complementary error function with fractional error < 1.2e-7 everywhere (Numerical Recipes
 * `erfcc`, Chebyshev fit). Relative accuracy in the far tail matters: anomaly likelihoods and
 * severities compare tiny tail probabilities.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Upper tail of the standard normal, Q(z) = P(Z > z). */
export function normalTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** log10 Q(z), accurate far beyond where Q(z) itself underflows (asymptotic series past z = 30). */
export function log10NormalTail(z: number): number {
  if (z < 30) return Math.log10(normalTail(z));
  return (-0.5 * z * z - Math.log(z * Math.sqrt(2 * Math.PI)) + Math.log1p(-1 / (z * z))) / Math.LN10;
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 1 - normalTail(z);
}

/** Decades of surprise of a two-sided 3-sigma event, -log10(2 Q(3)) = 2.5686: the score 0.5 anchor. */
export const THREE_SIGMA_DECADES = -Math.log10(2 * normalTail(3));

/**
 * Maps a two-sided z to a score by its tail mass in decades, d = -log10(2 Q(|z|)), as
 * d / (d + 2.5686): 0 at z = 0, 0.5 at |z| = 3, 0.66 at 4, 0.8 at 5.6. Unlike 1 - 2Q(|z|), which
 * is exactly 1 in floating point beyond |z| = 8.3, it keeps ranking extreme points (z = 20 vs 50).
 */
export function zToScore(z: number): number {
  if (Number.isNaN(z)) return 0;
  const a = Math.abs(z);
  if (a === Infinity) return 1;
  return decadesToScore(-Math.log10(2) - log10NormalTail(a));
}

/** Squashes decades of surprise (-log10 of a tail probability) into [0, 1]; 3-sigma rarity is 0.5. */
export function decadesToScore(d: number): number {
  return d <= 0 ? 0 : d / (d + THREE_SIGMA_DECADES);
}

/** Inverse of zToScore's squashing: the decades of surprise a score stands for (Infinity at 1). */
export function scoreToDecades(score: number): number {
  return score >= 1 ? Infinity : (THREE_SIGMA_DECADES * Math.max(0, score)) / (1 - score);
}

/** Logistic squashing for unbounded non-negative raw scores: `midpoint` maps to 0.5. */
export function logisticScore(raw: number, midpoint: number, steepness = 1): number {
  return 1 / (1 + Math.exp(-steepness * (raw - midpoint)));
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** The scored point of a location/scale model: z of `x` against `center` and `scale`, band at ±`bandSigmas`. */
export function scoreAgainst(t: number, x: number, center: number, scale: number, bandSigmas: number): Scored {
  const zv = (x - center) / scale;
  return {
    t,
    score: zToScore(zv),
    raw: zv,
    expected: center,
    lower: center - bandSigmas * scale,
    upper: center + bandSigmas * scale,
  };
}
