/**
 * Feedback bench: NAB's anomaly windows stand in for an analyst's labels on the first half of
 * each file (windows = true anomalies; events at the detector's threshold outside them = labelled
 * false positives). The threshold suggested from those labels (best F1, lib/feedback) is then
 * measured on the second half, which the labels never saw, next to the detector's own threshold.
 * Scoring is the detector preview (the pure library), once per file.
 *
 *   npm run bench:feedback -- [--data ../shared/data/nab] [--files 'realKnownCause/*'] [--detector default|zscore|...]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { defaultDetectorConfig, getDefinition } from "../lib/detection/registry";
import { parseDetectorParams } from "../lib/detectors/params";
import { scorePreview } from "../lib/detectors/preview";
import { THRESHOLD_GRID, curvePointAt, enoughLabels, withCautious, eventsAt, precisionRecallCurve, suggestBestF1, type CurvePoint, type ScoredSeries } from "../lib/feedback/curve";
import { overlaps, withMetrics, type Counts as LabelCounts, type Span, type TruthSpan } from "../lib/feedback/evaluate";
import { loadNabCorpus, type NabSeries } from "./bench/nab-corpus";
import { fixed, printTable } from "./bench/table";
import { benchAssist } from "./bench/assist-bench";

interface Counts {
  events: number;
  hits: number;
  windows: number;
  recalled: number;
}
const add = (a: Counts, b: Counts): Counts => ({ events: a.events + b.events, hits: a.hits + b.hits, windows: a.windows + b.windows, recalled: a.recalled + b.recalled });
const ZERO: Counts = { events: 0, hits: 0, windows: 0, recalled: 0 };

/** Event precision and window recall of `threshold` over `period` against NAB's complete windows. */
function measure(series: ScoredSeries, windows: Span[], threshold: number, period: Span): Counts {
  const events = eventsAt([series], threshold, period);
  const inPeriod = windows.filter((w) => overlaps(w, period));
  return {
    events: events.length,
    hits: events.filter((e) => inPeriod.some((w) => overlaps(w, e))).length,
    windows: inPeriod.length,
    recalled: inPeriod.filter((w) => events.some((e) => overlaps(w, e))).length,
  };
}

const metrics = (c: Counts) => {
  const p = c.events ? c.hits / c.events : null;
  const r = c.windows ? c.recalled / c.windows : null;
  const f1 = p !== null && r !== null && p + r > 0 ? (2 * p * r) / (p + r) : 0;
  return { p, r, f1 };
};

function runFile(s: NabSeries, algorithm: string, params: unknown, threshold: number) {
  const points = s.timestamps.map((t, i) => ({ t, value: s.values[i] }));
  const series: ScoredSeries = { seriesId: s.key, preview: scorePreview({ algorithm, params, points }) };
  const half = Math.floor(points.length / 2);
  const first: Span = { start: points[series.preview.trainedOn]?.t ?? points[0].t, end: points[half - 1].t };
  const second: Span = { start: points[half].t, end: points[points.length - 1].t };
  const windows = s.windows.map((w) => ({ start: w.start, end: w.end }));
  // The analyst's labels on the first half: windows are true anomalies, other flags at today's threshold false positives.
  const truth: TruthSpan[] = [
    ...windows.filter((w) => overlaps(w, first)).map((w) => ({ seriesId: s.key, ...w, kind: "positive" as const, origin: "label" as const })),
    ...eventsAt([series], threshold, first)
      .filter((e) => !windows.some((w) => overlaps(w, e)))
      .map((e) => ({ seriesId: s.key, start: e.start, end: e.end, kind: "negative" as const, origin: "label" as const })),
  ];
  const curve = precisionRecallCurve([series], truth, first);
  const suggestion = enoughLabels(truth) ? suggestBestF1(curve, curvePointAt([series], truth, first, threshold)) : null;
  const suggested = suggestion?.threshold ?? threshold;
  const at = (t: number) => measure(series, windows, t, second);
  return { key: s.key, suggested, withheld: suggestion?.withheld ?? null, curve, current: curvePointAt([series], truth, first, threshold), at, before: at(threshold), after: at(suggested), series, windows, first, second };
}

/** One threshold for all files (a detector watching every series): the first halves' label counts summed per threshold. */
function pooled(rows: ReturnType<typeof runFile>[], threshold: number) {
  const sum = (points: CurvePoint[], t: number): CurvePoint => {
    const c: LabelCounts = { tp: 0, fp: 0, fn: 0, unsure: 0, unlabelled: 0, positives: 0, events: 0 };
    for (const p of points) for (const k of Object.keys(c) as (keyof LabelCounts)[]) c[k] += p[k];
    return { ...withCautious({ threshold: t, ...withMetrics(c) }), flaggedPoints: points.reduce((n, p) => n + p.flaggedPoints, 0), points: points.reduce((n, p) => n + p.points, 0) };
  };
  const curve = THRESHOLD_GRID.map((t, i) => sum(rows.map((r) => r.curve[i]), t));
  return suggestBestF1(curve, sum(rows.map((r) => r.current), threshold))?.threshold ?? threshold;
}

function main() {
  const { values } = parseArgs({ options: { data: { type: "string", default: "../shared/data/nab" }, files: { type: "string" }, detector: { type: "string", default: "default" } } });
  const config = values.detector === "default" ? defaultDetectorConfig() : { kind: values.detector!, params: {}, threshold: undefined };
  const algorithm = config.kind;
  const params = parseDetectorParams(algorithm, config.params);
  const threshold = config.threshold ?? getDefinition(algorithm).defaultThreshold ?? 0.5;
  const corpus = loadNabCorpus(path.resolve(values.data!), values.files);
  console.log(`feedback bench: ${corpus.length} NAB files, detector ${values.detector} (${algorithm}) at threshold ${threshold}; labels on each first half, measured on the second half`);
  const started = Date.now();
  const rows = corpus.map((s) => runFile(s, algorithm, params, threshold));
  const shared = pooled(rows, threshold);
  const byCategory = new Map<string, { before: Counts; after: Counts; files: number; changed: number }>();
  const keys = [...new Set(rows.map((r) => r.key.split("/")[0]))].sort();
  for (const k of [...keys, "all (per-file threshold)", `all (one threshold: ${shared})`]) byCategory.set(k, { before: ZERO, after: ZERO, files: 0, changed: 0 });
  for (const r of rows) {
    const one = byCategory.get(`all (one threshold: ${shared})`)!;
    byCategory.set(`all (one threshold: ${shared})`, { before: add(one.before, r.before), after: add(one.after, r.at(shared)), files: one.files + 1, changed: one.changed + (shared !== threshold ? 1 : 0) });
    for (const key of [r.key.split("/")[0], "all (per-file threshold)"]) {
      const c = byCategory.get(key)!;
      byCategory.set(key, { before: add(c.before, r.before), after: add(c.after, r.after), files: c.files + 1, changed: c.changed + (r.suggested !== threshold ? 1 : 0) });
    }
  }
  const fmt = (x: number | null) => (x === null ? "—" : fixed(x, 3));
  printTable(
    ["category", "files", "thr changed", "events before", "after", "precision before", "after", "recall before", "after", "F1 before", "after"],
    [...byCategory.entries()].map(([k, c]) => {
      const b = metrics(c.before);
      const a = metrics(c.after);
      return [k, String(c.files), String(c.changed), String(c.before.events), String(c.after.events), fmt(b.p), fmt(a.p), fmt(b.r), fmt(a.r), fmt(b.f1), fmt(a.f1)];
    }),
  );
  for (const r of rows) if (r.withheld) console.log(`withheld on ${r.key}: ${r.withheld.threshold} (${r.withheld.reason}); kept ${r.suggested}`);
  const assist = benchAssist(rows, threshold);
  if (assist.notReady !== null) console.log(`supervised assist (one for all): not trained, ${assist.notReady}`);
  else {
    const b = metrics(assist.before);
    const a = metrics(assist.after);
    console.log(`supervised assist (one for all, ${assist.labelled} first-half labels, cutoff ${assist.cutoff}): second halves events ${assist.before.events} -> ${assist.after.events}, ` +
      `precision ${fmt(b.p)} -> ${fmt(a.p)}, recall ${fmt(b.r)} -> ${fmt(a.r)}, F1 ${fmt(b.f1)} -> ${fmt(a.f1)}`);
    console.log(`  what the detector page would show first (held-out first-half labels): ${assist.heldOutOnFirstHalves}`);
  }
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s. Precision: hits / events; recall: windows hit / windows (second halves only).`);
}

main();
