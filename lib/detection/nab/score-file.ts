/**
 * NAB's per-file score, as the scorer that wrote NAB's published `S(t)_*` columns computes it
 * (numenta/NAB `nab/scorer.py` before the 2019 sweep rewrite; the totals agree with the sweep).
 *
 * - Rows before the probationary length are ignored: no detection, no count.
 * - A detection is `anomalyScore >= threshold`.
 * - Each window scores once, on its first row: the credit of its earliest detection,
 *   `tpWeight * σ(position) / σ(-1)` with position = -(last - i + 1) / length, or `-fnWeight`
 *   when nothing inside it fired. σ(x) = 2 / (1 + e^(5x)) - 1, and -1 beyond x > 3.
 * - A detection outside every window scores on its own row: `fpWeight * σ((i - last) / (length - 1))`
 *   against the closest window that ended before it, or `-fpWeight` when none did.
 */
import type { NabProfile } from "./profiles";
import { locateWindows, type NabWindow, type WindowSpan } from "./windows";

export const NAB_PROBATION_PERCENT = 0.15;

export interface NabFileInput {
  /** Ascending epoch ms. */
  timestamps: ArrayLike<number>;
  /** One anomaly score per row; NaN never detects. */
  scores: ArrayLike<number>;
  windows: NabWindow[];
}

/** Threshold-independent facts about one file, shared by single-threshold scoring and the sweep. */
export interface PreparedFile {
  rows: number;
  probation: number;
  scores: ArrayLike<number>;
  spans: WindowSpan[];
  /** Index into `spans` for rows inside a window, else -1. */
  windowOf: Int32Array;
  /** Unweighted σ value a detection on this row earns (TP credit inside windows, FP cost outside). */
  sigma: Float64Array;
}

export interface FileCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface FileScore extends FileCounts {
  score: number;
  /** Per-row S(t), placed as NAB places it. */
  rowScores: Float64Array;
  /** All rows, probationary ones included (NAB's `Total_Count`). */
  rows: number;
}

export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/** 15% of the file, but never more than 15% of 5000 rows (750), as NAB defines it. */
export function probationaryLength(rows: number, percent = NAB_PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

export function prepareFile(input: NabFileInput, probationPercent = NAB_PROBATION_PERCENT): PreparedFile {
  const rows = input.timestamps.length;
  if (input.scores.length !== rows) throw new Error(`Expected ${rows} scores, got ${input.scores.length}`);
  const spans = locateWindows(input.timestamps, input.windows);
  const windowOf = new Int32Array(rows).fill(-1);
  const sigma = new Float64Array(rows);
  let previous: WindowSpan | undefined;
  let next = 0;
  for (let i = 0; i < rows; i++) {
    while (next < spans.length && spans[next].last < i) previous = spans[next++];
    const span = spans[next];
    if (span && span.first <= i) {
      windowOf[i] = next;
      sigma[i] = scaledSigmoid(-(span.last - i + 1) / span.length) / MAX_TP;
    } else if (previous) {
      // A one-row window would divide by zero in NAB; treat its tail as infinitely far.
      const width = previous.length - 1;
      sigma[i] = scaledSigmoid(width > 0 ? (i - previous.last) / width : Infinity);
    } else {
      sigma[i] = -1;
    }
  }
  return { rows, probation: probationaryLength(rows, probationPercent), scores: input.scores, spans, windowOf, sigma };
}

export function scorePreparedFile(file: PreparedFile, threshold: number, profile: NabProfile): FileScore {
  const { rows, probation, scores, spans, windowOf, sigma } = file;
  const rowScores = new Float64Array(rows);
  const firstHit = new Int32Array(spans.length).fill(-1);
  const counts: FileCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  let score = 0;
  for (let i = Math.ceil(probation); i < rows; i++) {
    const detected = scores[i] >= threshold;
    const w = windowOf[i];
    if (w >= 0) {
      if (detected) {
        counts.tp++;
        if (firstHit[w] < 0) firstHit[w] = i;
      } else counts.fn++;
    } else if (detected) {
      counts.fp++;
      rowScores[i] = sigma[i] * profile.fpWeight;
      score += rowScores[i];
    } else counts.tn++;
  }
  spans.forEach((span, w) => {
    const value = firstHit[w] < 0 ? -profile.fnWeight : sigma[firstHit[w]] * profile.tpWeight;
    rowScores[span.first] = value;
    score += value;
  });
  return { ...counts, score, rowScores, rows };
}

export function scoreFile(
  input: NabFileInput,
  threshold: number,
  profile: NabProfile,
  probationPercent = NAB_PROBATION_PERCENT,
): FileScore {
  return scorePreparedFile(prepareFile(input, probationPercent), threshold, profile);
}
