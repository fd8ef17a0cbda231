/**
 * Normal-distribution tails and score normalization. Scores in Vigil live in [0, 1] so one
 * threshold scale fits every detector; a z value maps to the two-sided tail mass it excludes.
 */

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

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 1 - normalTail(z);
}

/** Two-sided: 1 - 2 Q(|z|) = P(|Z| < |z|). z = 3 gives 0.9973; z = 0 gives 0. */
export function zToScore(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 0 : 1;
  return 1 - erfc(Math.abs(z) / Math.SQRT2);
}

/** Logistic squashing for unbounded non-negative raw scores: `midpoint` maps to 0.5. */
export function logisticScore(raw: number, midpoint: number, steepness = 1): number {
  return 1 / (1 + Math.exp(-steepness * (raw - midpoint)));
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
