/**
 * Corpus-level NAB scoring: the total at one threshold, the exact sweep over every distinct
 * anomaly score for the best total, and NAB's normalization against the null and perfect detectors.
 */
import type { NabProfile } from "./profiles";
import { scorePreparedFile, type FileCounts, type PreparedFile } from "./score-file";

export interface ThresholdScore extends FileCounts {
  /** Detections are `score >= threshold`; Infinity means nothing detects. */
  threshold: number;
  score: number;
}

export function scoreCorpus(files: PreparedFile[], threshold: number, profile: NabProfile): ThresholdScore {
  const total: ThresholdScore = { threshold, score: 0, tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const file of files) {
    const s = scorePreparedFile(file, threshold, profile);
    total.score += s.score;
    total.tp += s.tp;
    total.fp += s.fp;
    total.tn += s.tn;
    total.fn += s.fn;
  }
  return total;
}

/**
 * The threshold with the best corpus total, trying every distinct score (NAB's optimizer does the
 * same since 2019). Ties keep the higher threshold. A window's value only grows as the threshold
 * falls, because its earliest detection is also its best-paid one.
 */
export function sweepCorpus(files: PreparedFile[], profile: NabProfile): ThresholdScore {
  let candidates = 0;
  for (const f of files) candidates += f.rows - Math.ceil(f.probation);
  const score = new Float64Array(candidates);
  const value = new Float64Array(candidates);
  const window = new Int32Array(candidates);
  const windowValue: number[] = [];
  let n = 0;
  let tn = 0;
  let fn = 0;
  for (const f of files) {
    const offset = windowValue.length;
    for (const _ of f.spans) windowValue.push(-profile.fnWeight);
    for (let i = Math.ceil(f.probation); i < f.rows; i++) {
      const inWindow = f.windowOf[i] >= 0;
      if (inWindow) fn++;
      else tn++;
      if (!(f.scores[i] === f.scores[i])) continue;
      score[n] = f.scores[i];
      window[n] = inWindow ? offset + f.windowOf[i] : -1;
      value[n] = f.sigma[i] * (inWindow ? profile.tpWeight : profile.fpWeight);
      n++;
    }
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => score[b] - score[a]);
  let total = windowValue.reduce((a, b) => a + b, 0);
  let tp = 0;
  let fp = 0;
  let best: ThresholdScore = { threshold: Infinity, score: total, tp, fp, tn, fn };
  for (let k = 0; k < n; ) {
    const threshold = score[order[k]];
    for (; k < n && score[order[k]] === threshold; k++) {
      const row = order[k];
      const w = window[row];
      if (w >= 0) {
        tp++;
        fn--;
        if (value[row] > windowValue[w]) {
          total += value[row] - windowValue[w];
          windowValue[w] = value[row];
        }
      } else {
        fp++;
        tn--;
        total += value[row];
      }
    }
    if (total > best.score) best = { threshold, score: total, tp, fp, tn, fn };
  }
  return best;
}

export interface NabBounds {
  windows: number;
  /** Total of a detector that never fires: every window a false negative. */
  nullScore: number;
  /** Total of a detector that fires once at the start of every window and nowhere else. */
  perfectScore: number;
}

export function corpusBounds(files: PreparedFile[], profile: NabProfile): NabBounds {
  const windows = files.reduce((sum, f) => sum + f.spans.length, 0);
  return { windows, nullScore: -profile.fnWeight * windows, perfectScore: profile.tpWeight * windows };
}

/** NAB's final score: 0 for the null detector, 100 for the perfect one. */
export function normalizeNabScore(score: number, bounds: NabBounds): number {
  return (100 * (score - bounds.nullScore)) / (bounds.perfectScore - bounds.nullScore);
}
