/**
 * Detector throughput on one core: univariate detectors on a seasonal series with spikes, the
 * multivariate ones on labelled rows (train on a window, then score the rest), state size per
 * series, a plain summing loop as baseline, and scikit-learn's IsolationForest, LOF, OneClassSVM,
 * GaussianMixture, DBSCAN and PCA on the same rows when python3 with sklearn is available.
 *
 *   npm run bench:detect -- [--points 1000000] [--rows 100000] [--features 10] [--train-rows 10000]
 *                           [--detectors default,zscore,lof] [--python /usr/bin/python3] [--instances 100]
 *                           [--seeds 1-5] [--repeats 5]
 * --seeds: models with a random start (the Gaussian mixture) are also timed warm once per seed on both sides.
 * --repeats: "warm" and "model" in the scikit-learn comparison are the least CPU time of this many runs after
 * each side's first (both sides alike): one second run still pays V8's optimizing compiles and heap growth.
 */
import { parseArgs } from "node:util";
import type { Detector, Observation } from "../lib/detection/types";
import { allDetectors, resolveDetector, splitDetectorList, type BenchDetector } from "./bench/detectors";
import { rocAuc } from "./bench/roc-auc";
import { parseSeeds, printSeededTable, SEEDED_KINDS, withSeed, type VigilSeeded } from "./bench/seeded";
import { runSklearn, type SklearnResult } from "./bench/sklearn";
import { labelledRows, rowsToObservations, univariateSeries } from "./bench/synthetic";
import { fixed, formatRate, printTable } from "./bench/table";

const gc = (globalThis as { gc?: () => void }).gc;

function seconds<T>(fn: () => T): [T, number] {
  const started = performance.now();
  const value = fn();
  return [value, (performance.now() - started) / 1000];
}

/** Best of five runs of a plain loop over the same observations: what a no-op detector costs. */
function baselineRate(observations: Observation[]): number {
  let best = Infinity;
  let sink = 0;
  for (let run = 0; run < 5; run++) {
    const [, s] = seconds(() => {
      for (const obs of observations) for (const v of obs.values) sink += v;
    });
    best = Math.min(best, s);
  }
  if (sink === 42) console.log("");
  return observations.length / best;
}

/** Typed arrays' backing stores live outside the JS heap, so both count. */
function usedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Backing stores are released after the collection, so give them a moment and collect again. */
async function settledBytes(): Promise<number> {
  for (let k = 0; k < 3; k++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return usedBytes();
}

/**
 * Bytes one live instance holds after it was trained or warmed up on `history`, averaged over
 * as many instances as fit in about two seconds at the measured rate (at least 3, at most `max`).
 */
async function heapPerSeries(detector: BenchDetector, history: Observation[], rate: number, max: number) {
  if (!gc) return null;
  const instances = Math.max(3, Math.min(max, Math.floor((2 * rate) / Math.max(1, history.length))));
  const before = await settledBytes();
  const live: Detector[] = [];
  for (let k = 0; k < instances; k++) {
    const d = detector.create();
    if (d.train && detector.needsTraining) d.train(history);
    else for (const obs of history) d.update(obs);
    live.push(d);
  }
  const after = await settledBytes();
  return live.length ? (after - before) / live.length : null;
}

function formatBytes(bytes: number | null): string {
  if (bytes === null) return "-";
  if (Math.abs(bytes) >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

interface RunResult {
  rate: number;
  trainSeconds: number;
  scoreSeconds: number;
  /** CPU seconds of train + scoring (this process, GC threads included). */
  cpuSeconds: number;
  /** The detector's state after the run (the bench reads fitted values such as DBSCAN's eps from it). */
  state: unknown;
  scores: Float64Array;
  stateBytes: number;
}

/** Trains on the first `trainCount` observations if the detector needs it, then scores the rest in order. */
function run(detector: BenchDetector, observations: Observation[], trainCount: number): RunResult {
  const cpu = process.cpuUsage();
  const d = detector.create();
  let trainSeconds = 0;
  let from = 0;
  if (detector.needsTraining && d.train) {
    [, trainSeconds] = seconds(() => d.train!(observations.slice(0, trainCount)));
    from = trainCount;
  }
  const scores = new Float64Array(observations.length - from);
  const [, s] = seconds(() => {
    for (let i = from; i < observations.length; i++) scores[i - from] = d.update(observations[i]).score;
  });
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const state = d.getState();
  return { rate: scores.length / s, trainSeconds, scoreSeconds: s, cpuSeconds, state, scores, stateBytes: JSON.stringify(state).length };
}

async function univariateBench(detectors: BenchDetector[], points: number, trainCount: number, instances: number) {
  const series = univariateSeries(points);
  const baseline = baselineRate(series);
  console.log(`\nUnivariate: ${points} points (daily + weekly seasonality, noise, 0.1% spikes); baseline loop ${formatRate(baseline)} points/s`);
  const rows: string[][] = [];
  for (const detector of detectors) {
    const r = run(detector, series, trainCount);
    const heap = await heapPerSeries(detector, series.slice(0, Math.min(points, 5000)), r.rate, instances);
    rows.push([
      detector.name,
      formatRate(r.rate),
      formatRate(r.scores.length / r.cpuSeconds),
      fixed(baseline / r.rate, 1),
      fixed(r.trainSeconds, 2),
      formatBytes(r.stateBytes),
      formatBytes(heap),
    ]);
  }
  // points/s is wall time; CPU points/s counts only this process's CPU (train included), steadier on a shared machine.
  printTable(["detector", "points/s", "CPU points/s", "baseline/x", "train s", "state JSON", "heap/series"], rows);
}

async function multivariateBench(
  detectors: BenchDetector[],
  rows: number,
  width: number,
  trainRows: number,
  python: string | undefined,
  seeds: number[],
  repeats: number,
) {
  const data = labelledRows(rows, width);
  const observations = rowsToObservations(data);
  const baseline = baselineRate(observations);
  const labelsOf = (r: RunResult) => data.labels.subarray(rows - r.scores.length);
  console.log(
    `\nMultivariate: ${rows} rows x ${width} features (3 correlated clusters, 1% outliers at 3x spread); ` +
      `train on the first ${trainRows}, score and compute ROC-AUC on the other ${rows - trainRows}; ` +
      `baseline loop ${formatRate(baseline)} rows/s`,
  );
  const results = new Map<string, RunResult>();
  // Further runs of the same detector on the same rows, the least CPU kept: code compiled, as in a worker
  // that has run for a while (scikit-learn's warm figure is the least of as many runs).
  const warmCpu = new Map<string, number>();
  const least = (runs: RunResult[]) => runs.reduce((a, b) => (b.cpuSeconds < a.cpuSeconds ? b : a));
  const repeat = (d: BenchDetector) => least(Array.from({ length: repeats }, () => run(d, observations, trainRows)));
  // The same task as scikit-learn's (fit on the rows, score the rows): the model alone, calibration off, warm.
  const modelRuns = new Map<string, RunResult>();
  const seededRuns = new Map<string, VigilSeeded[]>();
  const table: string[][] = [];
  for (const detector of detectors) {
    const r = run(detector, observations, trainRows);
    results.set(detector.kind, r);
    if (SKLEARN_KINDS.has(detector.kind)) {
      warmCpu.set(detector.kind, repeat(detector).cpuSeconds);
      // Its own first run discarded (its code paths compiled), then the least of `repeats`, as scikit-learn's warm figure.
      const model = uncalibrated(detector);
      run(model, observations, trainRows);
      modelRuns.set(detector.kind, repeat(model));
    }
    if (SEEDED_KINDS.has(detector.kind)) {
      const summary = (r: RunResult) => ({ cpuSeconds: r.cpuSeconds, auc: rocAuc(r.scores, labelsOf(r)), state: r.state });
      const perSeed = seeds.map((seed) => {
        const seeded = withSeed(detector, seed, resolveDetector);
        const calibrated = summary(run(seeded, observations, trainRows));
        return { seed, calibrated, model: summary(run(uncalibrated(seeded), observations, trainRows)) };
      });
      seededRuns.set(detector.kind, perSeed);
    }
    const heap = await heapPerSeries(detector, observations.slice(0, trainRows), r.rate, 5);
    table.push([
      detector.name,
      formatRate(r.rate),
      fixed(baseline / r.rate, 1),
      fixed(r.trainSeconds, 2),
      fixed(rocAuc(r.scores, labelsOf(r)), 4),
      formatBytes(r.stateBytes),
      formatBytes(heap),
    ]);
  }
  printTable(["detector", "rows/s", "baseline/x", "train s", "ROC-AUC", "state JSON", "heap/series"], table);

  const paramsOf = (kind: string) => (detectors.find((d) => d.kind === kind)?.params ?? {}) as Record<string, unknown>;
  const forest = paramsOf("isolation-forest");
  const lof = paramsOf("lof");
  const sklearn = runSklearn(data, trainRows, {
    trees: Number(forest.trees ?? 100),
    sampleSize: Number(forest.sampleSize ?? 256),
    neighbors: Number(lof.k ?? lof.neighbors ?? 20),
    python,
    models: { ...sklearnModels(results, paramsOf, seeds), repeats },
  });
  if (typeof sklearn === "string") {
    console.log(`\nscikit-learn comparison skipped: ${sklearn}`);
    return;
  }
  console.log(
    `\nscikit-learn ${sklearn.version} (${sklearn.python}, one thread), same rows, same training window; ` +
      "time = fit + scoring every row (Vigil: train + update per row, calibration included). Ratios are of CPU " +
      "seconds (steadier than wall time on a shared machine). \"first\": each side's first fit + score in its " +
      "process, module imports excluded on both sides; Vigil's includes compiling its code (JIT), scikit-learn's " +
      `its first-call setup. "warm": the same work again on a fresh model, both sides, the least CPU of ${repeats} runs after ` +
      "the first. \"model\": Vigil's warm " +
      "run with calibration off (the calibrator's per-row tail model is work scikit-learn does not do), against " +
      "scikit-learn's warm run, with the persistence wrapper's steps set to 1 (it combines consecutive rows, which " +
      "scikit-learn does not, and lowers ROC-AUC on independent rows), so the task is the same row for row; " +
      "\"model AUC\" is that run's ROC-AUC:",
  );
  const compare = (Object.entries(sklearn.models) as [string, SklearnResult][]).map(([kind, s]) => {
    const ours = results.get(kind);
    const warm = warmCpu.get(kind);
    const model = modelRuns.get(kind);
    const ratio = (a: number | undefined, b: number) => (a === undefined ? "-" : fixed(a / b, 2));
    return [
      kind,
      formatRate(s.rows_per_s),
      ours ? formatRate(ours.rate) : "-",
      fixed(s.cpu_s, 3),
      ours ? fixed(ours.cpuSeconds, 3) : "-",
      ratio(ours?.cpuSeconds, s.cpu_s),
      fixed(s.warm_cpu_s, 3),
      warm === undefined ? "-" : fixed(warm, 3),
      ratio(warm, s.warm_cpu_s),
      model ? fixed(model.cpuSeconds, 3) : "-",
      ratio(model?.cpuSeconds, s.warm_cpu_s),
      fixed(s.auc, 4),
      ours ? fixed(rocAuc(ours.scores, labelsOf(ours)), 4) : "-",
      model ? fixed(rocAuc(model.scores, labelsOf(model)), 4) : "-",
    ];
  });
  printTable(
    ["model", "sklearn rows/s", "vigil rows/s", "sklearn CPU s first", "vigil CPU s first", "first vigil/sklearn", "sklearn CPU s warm", "vigil CPU s warm", "warm vigil/sklearn", "model CPU s", "model/sklearn warm", "sklearn AUC", "vigil AUC", "model AUC"],
    compare,
  );
  for (const [kind, vigil] of seededRuns) printSeededTable(kind, vigil, sklearn.models[kind]?.seeded ?? []);
}

/** The same detector with its score calibration switched off and each row scored alone (no persistence). */
function uncalibrated(detector: BenchDetector): BenchDetector {
  const params = { ...(detector.params as Record<string, unknown>), calibration: { enabled: false }, persistence: { steps: 1 } };
  return resolveDetector(`${detector.kind}${JSON.stringify(params)}`);
}

/** Kinds bench/sklearn_bench.py has a counterpart for. */
const SKLEARN_KINDS = new Set(["isolation-forest", "lof", "one-class-svm", "gaussian-mixture", "dbscan", "pca"]);

/** Which scikit-learn counterparts to run, with the parameters (and fitted values, e.g. DBSCAN's eps) Vigil used. */
function sklearnModels(results: Map<string, RunResult>, paramsOf: (kind: string) => Record<string, unknown>, seeds: number[]) {
  const kinds = [...results.keys()];
  const dbscanModel = (results.get("dbscan")?.state as { model?: { eps: number } } | undefined)?.model;
  return {
    kinds,
    "one-class-svm": paramsOf("one-class-svm"),
    "gaussian-mixture": { ...paramsOf("gaussian-mixture"), seeds },
    dbscan: { ...paramsOf("dbscan"), eps: dbscanModel?.eps ?? paramsOf("dbscan").eps },
    pca: paramsOf("pca"),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      points: { type: "string", default: "1000000" },
      rows: { type: "string", default: "100000" },
      features: { type: "string", default: "10" },
      "train-rows": { type: "string", default: "10000" },
      detectors: { type: "string" },
      python: { type: "string" },
      instances: { type: "string", default: "100" },
      seeds: { type: "string", default: "1-5" },
      repeats: { type: "string", default: "5" },
    },
  });
  const points = Number(values.points);
  const rows = Number(values.rows);
  const trainRows = Math.min(Number(values["train-rows"]), rows);
  const only = values.detectors ? splitDetectorList(values.detectors) : undefined;
  // Variants (`label=<kind>{json}`, `<kind>{json}`) run beside the kinds they name.
  const variants = (only ?? []).filter((n) => n.includes("=") || n.includes("{")).map(resolveDetector);
  const all = [resolveDetector("default"), ...allDetectors()]
    .filter((d) => !only || only.includes(d.kind) || (d.name.startsWith("default") && only.includes("default")))
    .concat(variants);
  if (!gc) console.log("heap per series needs --expose-gc (npm run bench:detect passes it)");

  // Trained models that accept vectors (the ML detectors) get the row bench; the streaming ones the 1M-point series.
  const isMultivariate = (d: BenchDetector) => d.input === "multivariate" || (d.input === "both" && d.needsTraining);
  const univariate = all.filter((d) => !isMultivariate(d));
  const multivariate = all.filter(isMultivariate);
  if (univariate.length && points > 0) await univariateBench(univariate, points, Math.min(trainRows, points), Number(values.instances));
  if (multivariate.length && rows > 0) await multivariateBench(multivariate, rows, Number(values.features), trainRows, values.python, parseSeeds(values.seeds), Math.max(1, Number(values.repeats)));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
