/**
 * Developer benchmark (not part of the library): `npx tsx lib/detection/ml/testing/benchmark.ts
 * [kinds...] [--rows N] [--rcf-points N] [--dump DIR] [--lof-full]`. Trains each batch detector on N rows × 10
 * features, scores another N rows through `update`, and streams the RCF over a long sine series.
 * --dump writes the data and our scores as CSV for compare-sklearn.py.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng } from "@/lib/detection/random";
import type { DetectorDefinition, Observation } from "@/lib/detection/types";
import { autoencoder } from "../autoencoder";
import { isolationForest } from "../isolation-forest";
import { kmeans } from "../kmeans";
import { lof } from "../lof";
import { randomCutForest } from "../random-cut-forest";
import { rocAuc } from "./synthetic";

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const dumpIdx = args.indexOf("--dump");
const dumpDir = dumpIdx >= 0 ? args[dumpIdx + 1] : null;
const valued = ["--rows", "--rcf-points", "--dump"];
const kinds = args.filter((a, i) => !a.startsWith("--") && !valued.includes(args[i - 1]));
const rows = opt("--rows", 100_000);
const rcfPoints = opt("--rcf-points", 1_000_000);
const D = 10;

/** Correlated Gaussian rows plus 1% outliers scattered uniformly in a wide box (labelled). */
function dataset(n: number, seed: number): { obs: Observation[]; labels: boolean[] } {
  const rng = createRng(seed);
  const labels: boolean[] = [];
  const obs = Array.from({ length: n }, (_, i) => {
    const out = rng.next() < 0.01;
    labels.push(out);
    const base = rng.normal();
    const values = Array.from({ length: D }, (_, j) =>
      out ? 16 * rng.next() - 8 : (j % 3 === 0 ? 2 : 1) * (0.6 * base + 0.8 * rng.normal()),
    );
    return { t: i * 1000, values };
  });
  return { obs, labels };
}

function run(def: DetectorDefinition, params: Record<string, unknown>) {
  const train = dataset(rows, 1);
  const test = dataset(rows, 2);
  const det = def.create(def.params.parse(params));
  const c0 = cpu();
  const t0 = performance.now();
  det.train!(train.obs);
  const t1 = performance.now();
  const c1 = cpu();
  const results = test.obs.map((o) => det.update({ t: o.t + rows * 1000, values: o.values }));
  const t2 = performance.now();
  const c2 = cpu();
  const scores = results.map((r) => r.score);
  const auc = rocAuc(scores, test.labels);
  console.log(
    `${def.kind.padEnd(18)} train ${((t1 - t0) / 1000).toFixed(2)}s (${fmt(rows / ((t1 - t0) / 1000))} rows/s)` +
      `  score ${fmt(rows / ((t2 - t1) / 1000))} pts/s  AUC ${auc.toFixed(4)}` +
      `  [per CPU-second: train ${fmt(rows / (c1 - c0))}, score ${fmt(rows / (c2 - c1))}]`,
  );
  if (dumpDir) {
    mkdirSync(dumpDir, { recursive: true });
    const csv = (o: Observation[]) => o.map((r) => r.values.join(",")).join("\n");
    writeFileSync(join(dumpDir, "train.csv"), csv(train.obs));
    writeFileSync(join(dumpDir, "test.csv"), csv(test.obs));
    writeFileSync(join(dumpDir, "labels.csv"), test.labels.map(Number).join("\n"));
    writeFileSync(join(dumpDir, `${def.kind}.csv`), scores.join("\n"));
    writeFileSync(join(dumpDir, `${def.kind}-raw.csv`), results.map((r) => r.raw).join("\n"));
  }
}

function runRcf() {
  const rng = createRng(3);
  const det = randomCutForest.create(randomCutForest.params.parse({}));
  const labels: boolean[] = [];
  const scores: number[] = [];
  const c0 = cpu();
  const t0 = performance.now();
  for (let i = 0; i < rcfPoints; i++) {
    const spike = i > 5000 && i % 5003 === 0;
    labels.push(spike);
    const v = Math.sin((2 * Math.PI * i) / 288) + 0.05 * rng.normal() + (spike ? 1.5 : 0);
    scores.push(det.update({ t: i * 60_000, values: [v] }).score);
  }
  const dt = (performance.now() - t0) / 1000;
  const dc = cpu() - c0;
  const auc = rocAuc(scores.slice(5000), labels.slice(5000));
  console.log(
    `random-cut-forest  ${rcfPoints} points ${dt.toFixed(1)}s (${fmt(rcfPoints / dt)} pts/s, ` +
      `${fmt(rcfPoints / dc)} per CPU-second)  AUC ${auc.toFixed(4)}`,
  );
}

const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
/** CPU seconds of this process: on a shared machine wall time overstates the cost. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const batch: [DetectorDefinition, Record<string, unknown>][] = [
  [isolationForest, {}],
  // --lof-full keeps every training row as reference (what scikit-learn does) instead of 10 000.
  [lof, args.includes("--lof-full") ? { maxReference: rows } : {}],
  [kmeans, {}],
  [autoencoder, {}],
];
for (const [def, params] of batch) if (kinds.length === 0 || kinds.includes(def.kind)) run(def, params);
if (kinds.length === 0 || kinds.includes("random-cut-forest")) runRcf();
