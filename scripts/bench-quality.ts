/**
 * NAB quality bench: runs detectors over a NAB-layout corpus the way NAB allows (train only on
 * the probationary 15%, then score every row in order) and prints NAB normalized scores per
 * profile plus event precision/recall/F1 against the windows.
 *
 *   npm run bench:quality -- --data ../shared/data/nab [--detectors default,zscore|all] [--files 'realKnownCause/*']
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
  scoreCorpus,
  sweepCorpus,
  type EventCounts,
  type PreparedFile,
} from "../lib/detection/nab";
import { toEvents } from "../lib/detection/events";
import type { Scored } from "../lib/detection/types";
import { resolveDetectors, type BenchDetector } from "./bench/detectors";
import { loadNabCorpus, loadPublishedScores, loadPublishedThreshold, type NabSeries } from "./bench/nab-corpus";
import { fixed, formatRate, printTable } from "./bench/table";

interface QualityRow {
  name: string;
  threshold: number;
  prepared: PreparedFile[];
  events: EventCounts;
  seconds: number | null;
}

/** One series scored the way NAB allows: train only on the probationary rows, then score in order. */
function scoreSeries(detector: BenchDetector, series: NabSeries): Scored[] {
  const instance = detector.create();
  const rows = series.values.length;
  const probation = Math.ceil(probationaryLength(rows));
  const observations = series.timestamps.map((t, i) => ({ t, values: [series.values[i]] }));
  const scored: Scored[] = [];
  let from = 0;
  if (detector.needsTraining) {
    instance.train?.(observations.slice(0, probation));
    from = probation;
    for (let i = 0; i < from; i++) scored.push({ t: observations[i].t, score: 0, raw: 0, skipped: "warmup" });
  }
  for (let i = from; i < rows; i++) scored.push(instance.update(observations[i]));
  return scored;
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
  return { name, threshold, prepared, events, seconds };
}

function printRows(rows: QualityRow[], totalRows: number): void {
  const header = ["detector", "standard", "low_FP", "low_FN", "std thr*", "std@thr", "thr", "events", "precision", "recall", "F1", "sec", "rows/s"];
  const table = rows.map((r) => {
    const sweeps = NAB_PROFILE_NAMES.map((p) => sweepCorpus(r.prepared, NAB_PROFILES[p]));
    const nab = sweeps.map((best, k) =>
      fixed(normalizeNabScore(best.score, corpusBounds(r.prepared, NAB_PROFILES[NAB_PROFILE_NAMES[k]]))),
    );
    const atThreshold = scoreCorpus(r.prepared, r.threshold, NAB_PROFILES.standard).score;
    const m = eventMetrics(r.events);
    return [
      r.name,
      ...nab,
      fixed(sweeps[0].threshold, 3),
      fixed(normalizeNabScore(atThreshold, corpusBounds(r.prepared, NAB_PROFILES.standard))),
      fixed(r.threshold, 3),
      m.events,
      fixed(m.precision, 3),
      fixed(m.recall, 3),
      fixed(m.f1, 3),
      r.seconds === null ? "-" : r.seconds.toFixed(1),
      r.seconds === null ? "-" : formatRate(totalRows / r.seconds),
    ];
  });
  printTable(header, table);
}

function main() {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      detectors: { type: "string", default: "default" },
      files: { type: "string" },
    },
  });
  if (!values.data) throw new Error("Usage: bench:quality -- --data DIR [--detectors a,b] [--files glob]");
  const dataDir = path.resolve(values.data);
  const corpus = loadNabCorpus(dataDir, values.files);
  if (corpus.length === 0) throw new Error(`No series matched in ${dataDir}`);
  const totalRows = corpus.reduce((n, s) => n + s.values.length, 0);
  const windows = corpus.reduce((n, s) => n + s.windows.length, 0);
  console.log(`NAB corpus ${dataDir}: ${corpus.length} series, ${totalRows} rows, ${windows} windows`);

  const detectors = resolveDetectors(values.detectors.split(",").map((s) => s.trim()).filter(Boolean));
  const rows: QualityRow[] = [];
  for (const detector of detectors) {
    if (detector.input === "multivariate") {
      console.log(`skipping ${detector.name}: multivariate only`);
      continue;
    }
    const started = performance.now();
    const scores = corpus.map((s) => scoreSeries(detector, s));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${detector.name}: ${seconds.toFixed(1)} s`);
    rows.push(evaluate(detector.name, corpus, scores, detector.threshold, seconds));
  }
  for (const reference of ["numenta", "windowedGaussian"]) {
    const scores = loadPublishedScores(dataDir, reference, corpus);
    const threshold = loadPublishedThreshold(dataDir, reference, "standard");
    if (scores && threshold !== null) {
      const scored = corpus.map((s, k) => fromScores(s, scores[k]));
      rows.push(evaluate(`${reference} (published)`, corpus, scored, threshold, null));
    }
  }
  console.log(
    "\nNAB normalized scores with the threshold swept per profile over this corpus (as NAB does); std@thr: standard" +
      " profile at the detector's own threshold. Events: toEvents at thr (default merging) after the probationary period.\n",
  );
  printRows(rows, totalRows);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
