/**
 * NAB quality bench: runs detectors over a NAB-layout corpus the way NAB allows (train only on
 * the probationary 15%, then score every row in order) and prints NAB normalized scores per
 * profile plus event precision/recall/F1 against the windows.
 *
 * The same table is printed for the seeded synthetic corpus (`lib/detection/testing`), which no
 * parameter was ever tuned on, and every table carries leave-one-category-out figures.
 *
 *   npm run bench:quality -- --data ../shared/data/nab [--detectors default,zscore|all] [--files 'realKnownCause/*'] [--no-synthetic] [--sweep]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import {
  NAB_PROFILES,
  NAB_PROFILE_NAMES,
  addEventCounts,
  corpusBounds,
  countEvents,
  eventMetrics,
  normalizeNabScore,
  prepareFile,
  probationaryLength,
  sweepCorpus,
  type EventCounts,
  type PreparedFile,
} from "../lib/detection/nab";
import { toEvents } from "../lib/detection/events";
import type { Scored } from "../lib/detection/types";
import { resolveDetectors, splitDetectorList, type BenchDetector } from "./bench/detectors";
import { scoreSeries } from "./bench/score-series";
import { loadNabCorpus, loadPublishedScores, loadPublishedThreshold, type NabSeries } from "./bench/nab-corpus";
import { flaggedShare, leaveOneCategoryOut, thresholdSweep } from "./bench/held-out";
import { fixed, formatRate, printTable } from "./bench/table";
import { syntheticCorpus } from "../lib/detection/testing/synthetic-corpus";
import { floorsOf, printStarts, printStartsSweep } from "./bench-quality-starts";

interface QualityRow {
  name: string;
  threshold: number;
  prepared: PreparedFile[];
  events: EventCounts;
  seconds: number | null;
  /** Per file: the previous scored point's score (incident starts). */
  floors: Float64Array[];
}

const fromScores = (series: NabSeries, scores: number[]): Scored[] =>
  scores.map((score, i) => ({ t: series.timestamps[i], score, raw: score }));

/** NAB inputs and event counts; events are the product's (`toEvents`), from the probationary period's end on. */
function evaluate(name: string, corpus: NabSeries[], scored: Scored[][], threshold: number, seconds: number | null): QualityRow {
  let events: EventCounts = { events: 0, hits: 0, windows: 0, recalled: 0 };
  const prepared = corpus.map((s, k) => {
    const probation = Math.ceil(probationaryLength(s.timestamps.length));
    const found = toEvents(scored[k].slice(probation), { threshold });
    events = addEventCounts(events, countEvents(found, s.windows, s.timestamps[probation] ?? Infinity));
    const scores = scored[k].map((p) => (p.skipped ? 0 : p.score));
    return prepareFile({ timestamps: s.timestamps, scores, windows: s.windows });
  });
  return { name, threshold, prepared, events, seconds, floors: scored.map(floorsOf) };
}

const SWEEP_OFFSETS = [-0.05, -0.02, 0.02, 0.05];

function printRows(rows: QualityRow[], keys: string[], totalRows: number): void {
  const header = ["detector", "standard", "low_FP", "low_FN", "std thr*", "std@thr", "thr", "±0.05 min", "flag‰", "out‰", "LOCO worst", "LOCO mean", "LOCO pooled", "F1", "rows/s"];
  const table = rows.map((r) => {
    const sweeps = NAB_PROFILE_NAMES.map((p) => sweepCorpus(r.prepared, NAB_PROFILES[p]));
    const nab = sweeps.map((best, k) =>
      fixed(normalizeNabScore(best.score, corpusBounds(r.prepared, NAB_PROFILES[NAB_PROFILE_NAMES[k]]))),
    );
    const [atThreshold, ...around] = thresholdSweep(r.prepared, [r.threshold, ...SWEEP_OFFSETS.map((d) => r.threshold + d)]);
    const flagged = flaggedShare(r.prepared, r.threshold);
    const loco = leaveOneCategoryOut(keys, [{ name: r.name, prepared: r.prepared }]);
    return [
      r.name,
      ...nab,
      fixed(sweeps[0].threshold, 3),
      fixed(atThreshold),
      fixed(r.threshold, 3),
      fixed(Math.min(atThreshold, ...around)),
      fixed(flagged.all, 1),
      fixed(flagged.outside, 1),
      fixed(loco.worst),
      fixed(loco.mean),
      fixed(loco.pooled),
      fixed(eventMetrics(r.events).f1, 3),
      r.seconds === null ? "-" : formatRate(totalRows / r.seconds),
    ];
  });
  printTable(header, table);
}

/** Threshold sweep of one row, printed as standard score per threshold. */
function printSweep(row: QualityRow): void {
  const thresholds = [-0.1, -0.05, -0.03, -0.02, -0.01, 0, 0.01, 0.02, 0.03, 0.05, 0.1].map((d) => row.threshold + d);
  const scores = thresholdSweep(row.prepared, thresholds);
  console.log(`\nthreshold sweep of ${row.name}, standard profile:`);
  printTable(["thr", ...thresholds.map((t) => fixed(t, 2))], [["standard", ...scores.map((s) => fixed(s))]]);
}

/** Leave-one-category-out with the detector itself chosen too, among every row that ran. */
function printChosen(rows: QualityRow[], keys: string[]): void {
  const own = rows.filter((r) => r.seconds !== null);
  if (own.length === 0) return;
  const loco = leaveOneCategoryOut(keys, own);
  console.log(`\nleave-one-category-out choosing detector (among those run) and threshold on the other categories: worst ${fixed(loco.worst)}, mean ${fixed(loco.mean)}, pooled ${fixed(loco.pooled)}`);
  printTable(
    ["held-out category", "chosen", "thr", "standard", "FP points"],
    loco.folds.map((f) => [f.category, f.chosen, fixed(f.threshold, 3), fixed(f.score), f.fp]),
  );
}

function runCorpus(label: string, corpus: NabSeries[], detectors: BenchDetector[], dataDir: string | null, sweepAll = false): void {
  const totalRows = corpus.reduce((n, s) => n + s.values.length, 0);
  const windows = corpus.reduce((n, s) => n + s.windows.length, 0);
  const categories = new Set(corpus.map((s) => s.key.split("/")[0])).size;
  console.log(`\n=== ${label}: ${corpus.length} series in ${categories} categories, ${totalRows} rows, ${windows} windows`);
  const rows: QualityRow[] = [];
  for (const detector of detectors) {
    if (detector.input === "multivariate") continue;
    const started = performance.now();
    const scores = corpus.map((s) => scoreSeries(detector, s));
    const seconds = (performance.now() - started) / 1000;
    rows.push(evaluate(detector.name, corpus, scores, detector.threshold, seconds));
  }
  for (const reference of dataDir ? ["numenta", "windowedGaussian"] : []) {
    const scores = loadPublishedScores(dataDir!, reference, corpus);
    const threshold = loadPublishedThreshold(dataDir!, reference, "standard");
    if (scores && threshold !== null) {
      const scored = corpus.map((s, k) => fromScores(s, scores[k]));
      rows.push(evaluate(`${reference} (published)`, corpus, scored, threshold, null));
    }
  }
  const keys = corpus.map((s) => s.key);
  printRows(rows, keys, totalRows);
  printStarts(rows, keys);
  const first = rows.find((r) => r.name.startsWith("default ("));
  if (first) printSweep(first);
  if (sweepAll) for (const r of rows) printStartsSweep(r);
  printChosen(rows, keys);
}

function main() {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      detectors: { type: "string", default: "default,default-before" },
      files: { type: "string" },
      synthetic: { type: "boolean", default: true },
      seed: { type: "string", default: "2026" },
      sweep: { type: "boolean", default: false },
    },
    allowNegative: true,
  });
  if (!values.data) throw new Error("Usage: bench:quality -- --data DIR [--detectors a,b|all] [--files glob] [--no-synthetic] [--seed N]");
  const dataDir = path.resolve(values.data);
  const corpus = loadNabCorpus(dataDir, values.files);
  if (corpus.length === 0) throw new Error(`No series matched in ${dataDir}`);
  const detectors = resolveDetectors(splitDetectorList(values.detectors));
  console.log(
    "NAB normalized scores, threshold swept per profile (as NAB does). std@thr: standard at the detector's own" +
      " threshold; ±0.05 min: the lowest standard at thr-0.05, -0.02, +0.02, +0.05; flag‰ / out‰: points at or above thr" +
      " per thousand scored (after probation), all / outside labelled windows; LOCO: threshold chosen on every category" +
      " but one, scored on that one (worst and mean fold, pooled total); F1 of toEvents at thr.",
  );
  runCorpus(`NAB ${dataDir} (the default was tuned on it)`, corpus, detectors, dataDir, values.sweep);
  if (values.synthetic) {
    runCorpus(`synthetic corpus, seed ${values.seed} (never tuned on)`, syntheticCorpus(Number(values.seed)), detectors, null, values.sweep);
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
