/**
 * Held-out figures for the quality bench: leave-one-category-out (the threshold, and optionally the
 * detector itself, chosen on every category but one and scored on the one left out), threshold
 * sweeps around a fixed threshold, and the share of points a threshold flags.
 */
import {
  NAB_PROFILES,
  corpusBounds,
  normalizeNabScore,
  scoreCorpus,
  sweepCorpus,
  type PreparedFile,
} from "../../lib/detection/nab";

export interface Candidate {
  name: string;
  /** One prepared file per corpus series, in corpus order. */
  prepared: PreparedFile[];
}

export interface Fold {
  category: string;
  /** What the other categories chose. */
  chosen: string;
  threshold: number;
  /** Standard profile, normalized over this category alone; null when it has no windows. */
  score: number | null;
  /** False-positive points at the chosen threshold. */
  fp: number;
  /** Raw (unnormalized) total, for the pooled figure. */
  raw: number;
}

export interface HeldOut {
  folds: Fold[];
  worst: number;
  mean: number;
  /** The folds' raw totals summed and normalized over the whole corpus. */
  pooled: number;
}

export const categoryOf = (key: string) => key.split("/")[0];

const pick = <T>(items: T[], mask: boolean[]) => items.filter((_, i) => mask[i]);

/**
 * For each category: the candidate and threshold with the best standard total on the other
 * categories, scored on that category. With one candidate this only chooses the threshold.
 */
export function leaveOneCategoryOut(keys: string[], candidates: Candidate[]): HeldOut {
  const profile = NAB_PROFILES.standard;
  const categories = [...new Set(keys.map(categoryOf))].sort();
  const folds: Fold[] = [];
  for (const category of categories) {
    const inFold = keys.map((k) => categoryOf(k) === category);
    const training = inFold.map((x) => !x);
    let best: { candidate: Candidate; threshold: number; score: number } | null = null;
    for (const candidate of candidates) {
      const sweep = sweepCorpus(pick(candidate.prepared, training), profile);
      if (!best || sweep.score > best.score) best = { candidate, threshold: sweep.threshold, score: sweep.score };
    }
    if (!best) throw new Error("no candidates");
    const held = pick(best.candidate.prepared, inFold);
    const result = scoreCorpus(held, best.threshold, profile);
    const raw = result.score;
    const bounds = corpusBounds(held, profile);
    folds.push({
      category,
      chosen: best.candidate.name,
      threshold: best.threshold,
      raw,
      fp: result.fp,
      score: bounds.windows > 0 ? normalizeNabScore(raw, bounds) : null,
    });
  }
  const all = candidates[0].prepared;
  const pooled = normalizeNabScore(
    folds.reduce((s, f) => s + f.raw, 0),
    corpusBounds(all, profile),
  );
  const scores = folds.flatMap((f) => (f.score === null ? [] : [f.score]));
  return {
    folds,
    worst: Math.min(...scores),
    mean: scores.reduce((a, b) => a + b, 0) / scores.length,
    pooled,
  };
}

/** Standard profile, normalized, at each threshold. */
export function thresholdSweep(prepared: PreparedFile[], thresholds: number[]): number[] {
  const bounds = corpusBounds(prepared, NAB_PROFILES.standard);
  return thresholds.map((t) => normalizeNabScore(scoreCorpus(prepared, t, NAB_PROFILES.standard).score, bounds));
}

export interface FlaggedShare {
  /** Points at or above the threshold per thousand scored points (after probation). */
  all: number;
  /** The same, counting only points outside every labelled window. */
  outside: number;
}

export function flaggedShare(prepared: PreparedFile[], threshold: number): FlaggedShare {
  let n = 0;
  let flagged = 0;
  let nOut = 0;
  let flaggedOut = 0;
  for (const f of prepared) {
    for (let i = Math.ceil(f.probation); i < f.rows; i++) {
      const hit = f.scores[i] >= threshold ? 1 : 0;
      n++;
      flagged += hit;
      if (f.windowOf[i] < 0) {
        nOut++;
        flaggedOut += hit;
      }
    }
  }
  return { all: n ? (1000 * flagged) / n : 0, outside: nOut ? (1000 * flaggedOut) / nOut : 0 };
}
