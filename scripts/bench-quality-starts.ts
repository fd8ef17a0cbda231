/**
 * NAB scored on incident starts: what the product alerts on. The product turns flagged points into
 * events (`toEvents`: consecutive points at or above the threshold are one event, skipped points
 * neither extend nor break it) and an event is one anomaly, one alert. So a detection, here, is a
 * point that opens an event at that threshold: its score reaches the threshold and the previous
 * scored point's did not. The points after it still belong to the event (its duration, peak and
 * severity); only the alert moment is scored. Every row is scored this way, the published
 * references too.
 *
 * A point opens an event only for thresholds in (previous score, score], so NAB's exact sweep over
 * distinct scores does not apply; thresholds are a fixed grid instead, the same for every detector
 * and fold (geometric in decades of rarity, 1% apart, from 0.2 to 1e5 decades, plus the detector's
 * own threshold and 1): the best swept figures are the best on that grid.
 */
import {
  NAB_PROFILES,
  NAB_PROFILE_NAMES,
  corpusBounds,
  normalizeNabScore,
  scorePreparedFile,
  type NabProfile,
  type PreparedFile,
} from "../lib/detection/nab";
import { decadesToScore } from "../lib/detection/common/normal";
import type { Scored } from "../lib/detection/types";
import { categoryOf } from "./bench/held-out";
import { fixed, printTable } from "./bench/table";

export interface StartsRow {
  name: string;
  threshold: number;
  prepared: PreparedFile[];
  /** Per file and row: the score of the previous scored (not skipped) point, -Infinity for the first. */
  floors: Float64Array[];
}

/** Each point's previous scored point's score: the point opens an event for thresholds in (floor, score]. */
export function floorsOf(scored: readonly Scored[]): Float64Array {
  const floors = new Float64Array(scored.length);
  let previous = -Infinity;
  scored.forEach((p, i) => {
    floors[i] = previous;
    if (!p.skipped) previous = p.score;
  });
  return floors;
}

const GRID: number[] = (() => {
  const out: number[] = [];
  for (let d = 0.2; d <= 1e5; d *= 1.01) out.push(decadesToScore(d));
  return out;
})();

/** The prepared file with only the points that open an event at `threshold` detecting (as 1). */
function startsAt(file: PreparedFile, floors: Float64Array, threshold: number): PreparedFile {
  const scores = new Float64Array(file.rows);
  for (let i = 0; i < file.rows; i++) {
    const s = file.scores[i];
    scores[i] = s >= threshold && !(floors[i] >= threshold) ? 1 : 0;
  }
  return { ...file, scores };
}

interface Table {
  thresholds: number[];
  /** [threshold][file] raw NAB total. */
  totals: number[][];
  /** [threshold] points that open an event after probation, and scored points. */
  starts: number[];
  scoredPoints: number;
}

/** Every profile's table at once (the starts are found once per threshold). */
function tabulate(row: StartsRow): Table[] {
  const thresholds = [...new Set([...GRID, row.threshold, 1])].sort((a, b) => a - b);
  const profiles = NAB_PROFILE_NAMES.map((p) => NAB_PROFILES[p]);
  const tables: Table[] = profiles.map(() => ({ thresholds, totals: [], starts: [], scoredPoints: 0 }));
  let scoredPoints = 0;
  for (const f of row.prepared) scoredPoints += f.rows - Math.ceil(f.probation);
  for (const t of thresholds) {
    let n = 0;
    const perProfile: number[][] = profiles.map(() => []);
    row.prepared.forEach((f, k) => {
      const s = startsAt(f, row.floors[k], t);
      for (let i = Math.ceil(f.probation); i < f.rows; i++) n += s.scores[i] as number;
      profiles.forEach((profile, q) => perProfile[q].push(scorePreparedFile(s, 0.5, profile).score));
    });
    tables.forEach((table, q) => {
      table.totals.push(perProfile[q]);
      table.starts.push(n);
      table.scoredPoints = scoredPoints;
    });
  }
  return tables;
}

const sum = (xs: number[], mask?: boolean[]) => xs.reduce((a, x, i) => (mask && !mask[i] ? a : a + x), 0);

/** Best total on the files in `mask`; ties keep the higher threshold, as NAB's sweep does. */
function best(table: Table, mask?: boolean[]): { index: number; total: number } {
  let index = table.thresholds.length - 1;
  let total = -Infinity;
  for (let j = table.thresholds.length - 1; j >= 0; j--) {
    const t = sum(table.totals[j], mask);
    if (t > total) {
      total = t;
      index = j;
    }
  }
  return { index, total };
}

/** Standard / low FP / low FN best on the grid, at own threshold, ±0.05, starts ‰, and leave-one-category-out. */
export function printStarts(rows: StartsRow[], keys: string[]): void {
  const categories = [...new Set(keys.map(categoryOf))].sort();
  const header = ["detector", "standard", "low_FP", "low_FN", "std thr*", "std@thr", "±0.05 min", "starts‰", "LOCO worst", "LOCO mean", "LOCO pooled"];
  const table = rows.map((r) => {
    const tables = tabulate(r);
    const std = tables[0];
    const norm = (total: number, profile: NabProfile, files: PreparedFile[]) =>
      normalizeNabScore(total, corpusBounds(files, profile));
    const swept = tables.map((t, k) => norm(best(t).total, NAB_PROFILES[NAB_PROFILE_NAMES[k]], r.prepared));
    const at = (thr: number) => {
      const j = std.thresholds.indexOf(thr);
      const extra = j >= 0 ? sum(std.totals[j]) : sum(r.prepared.map((f, k) => scorePreparedFile(startsAt(f, r.floors[k], thr), 0.5, NAB_PROFILES.standard).score));
      return norm(extra, NAB_PROFILES.standard, r.prepared);
    };
    const own = std.thresholds.indexOf(r.threshold);
    const scores: number[] = [];
    let pooled = 0;
    for (const c of categories) {
      const inFold = keys.map((k) => categoryOf(k) === c);
      const training = inFold.map((x) => !x);
      const held = r.prepared.filter((_, i) => inFold[i]);
      // Nothing to choose on (one category): nothing detects, as the exact sweep's Infinity.
      const raw = training.some(Boolean)
        ? sum(std.totals[best(std, training).index], inFold)
        : corpusBounds(held, NAB_PROFILES.standard).nullScore;
      pooled += raw;
      if (corpusBounds(held, NAB_PROFILES.standard).windows > 0) scores.push(norm(raw, NAB_PROFILES.standard, held));
    }
    return [
      r.name,
      ...swept.map((s) => fixed(s)),
      fixed(std.thresholds[best(std).index], 3),
      fixed(at(r.threshold)),
      fixed(Math.min(...[-0.05, -0.02, 0.02, 0.05].map((d) => at(r.threshold + d)))),
      fixed((1000 * std.starts[own]) / std.scoredPoints, 2),
      fixed(Math.min(...scores)),
      fixed(sum(scores) / scores.length),
      fixed(norm(pooled, NAB_PROFILES.standard, r.prepared)),
    ];
  });
  console.log(
    "\nscored on incident starts (a detection = a point that opens an event at that threshold, as the product alerts;" +
      " thresholds on a fixed grid; starts‰: events opened per thousand scored points at thr):",
  );
  printTable(header, table);
}

/** Standard score on starts at thresholds around the detector's own: is its best a plateau or a narrow peak? */
export function printStartsSweep(row: StartsRow): void {
  const thresholds = [-0.1, -0.05, -0.03, -0.02, -0.01, 0, 0.01, 0.02, 0.03, 0.05, 0.1].map((d) => row.threshold + d);
  const scores = thresholds.map((thr) =>
    normalizeNabScore(
      sum(row.prepared.map((f, k) => scorePreparedFile(startsAt(f, row.floors[k], thr), 0.5, NAB_PROFILES.standard).score)),
      corpusBounds(row.prepared, NAB_PROFILES.standard),
    ),
  );
  console.log(`\nthreshold sweep of ${row.name} on starts, standard profile:`);
  printTable(["thr", ...thresholds.map((t) => fixed(t, 2))], [["standard", ...scores.map((s) => fixed(s))]]);
}
