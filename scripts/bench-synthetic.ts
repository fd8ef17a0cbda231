/**
 * Synthetic-corpus bench: scores the seeded corpus of `lib/detection/testing/synthetic-corpus.ts`
 * (4 baselines x 8 anomaly kinds, 2 anomalies each) and prints, per anomaly kind, the share of
 * windows in which a detector flagged at least one point at its own threshold, and its flagged
 * points outside every window. Optionally writes the corpus in NAB's layout for `bench:quality`
 * or NAB's own scorer.
 *
 *   npm run bench:synthetic -- [--detectors default,robust-zscore|all] [--seed 2026 | --seed 101-108 | --seed 1,2,3] [--out DIR]
 *
 * Several seeds pool their corpora (8 windows per kind per seed): choose on some seeds, report on others.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { probationaryLength } from "../lib/detection/nab";
import { ANOMALY_KINDS, syntheticCorpus, type SyntheticSeries } from "../lib/detection/testing/synthetic-corpus";
import { resolveDetectors, splitDetectorList } from "./bench/detectors";
import { scoreSeries } from "./bench/score-series";
import { fixed, printTable } from "./bench/table";

const nabTime = (t: number) => new Date(t).toISOString().replace("T", " ").slice(0, 19);

function writeNabLayout(dir: string, corpus: SyntheticSeries[]): void {
  const labels: Record<string, string[][]> = {};
  for (const s of corpus) {
    const file = path.join(dir, "data", s.key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lines = s.timestamps.map((t, i) => `${nabTime(t)},${s.values[i]}`);
    fs.writeFileSync(file, `timestamp,value\n${lines.join("\n")}\n`);
    labels[s.key] = s.windows.map((w) => [`${nabTime(w.start)}.000000`, `${nabTime(w.end)}.000000`]);
  }
  fs.mkdirSync(path.join(dir, "labels"), { recursive: true });
  fs.writeFileSync(path.join(dir, "labels/combined_windows.json"), JSON.stringify(labels, null, 2));
}

interface KindCounts {
  windows: number;
  found: number;
  fpPoints: number;
  points: number;
}

/** "7", "1,2,3" or "101-108". */
function parseSeeds(text: string): number[] {
  const seeds = text.split(",").flatMap((part) => {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (range) return Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i);
    return [Number(part)];
  });
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) throw new Error(`--seed: expected seeds like 7, 1,2,3 or 101-108, got "${text}"`);
  return seeds;
}

function main() {
  const { values } = parseArgs({
    options: {
      detectors: { type: "string", default: "default,default-before" },
      seed: { type: "string", default: "2026" },
      out: { type: "string" },
    },
  });
  const seeds = parseSeeds(values.seed);
  const corpus = seeds.flatMap((seed) => syntheticCorpus(seed));
  if (values.out) {
    if (seeds.length > 1) throw new Error("--out writes one seed's corpus: give a single --seed");
    writeNabLayout(path.resolve(values.out), corpus);
    console.log(`wrote ${corpus.length} series in NAB layout to ${path.resolve(values.out)}`);
  }
  const detectors = resolveDetectors(splitDetectorList(values.detectors)).filter(
    (d) => d.input !== "multivariate",
  );
  const header = ["detector", "thr", ...ANOMALY_KINDS, "all found", "FP‰"];
  const rows: string[][] = [];
  for (const detector of detectors) {
    const counts = new Map<string, KindCounts>(ANOMALY_KINDS.map((k) => [k, { windows: 0, found: 0, fpPoints: 0, points: 0 }]));
    for (const s of corpus) {
      const scored = scoreSeries(detector, s);
      const c = counts.get(s.kind)!;
      const from = Math.ceil(probationaryLength(s.values.length));
      const flagged = scored.map((p, i) => i >= from && !p.skipped && p.score >= detector.threshold);
      for (const w of s.windows) {
        c.windows++;
        if (s.timestamps.some((t, i) => flagged[i] && t >= w.start && t <= w.end)) c.found++;
      }
      for (let i = from; i < s.values.length; i++) {
        const inside = s.windows.some((w) => s.timestamps[i] >= w.start && s.timestamps[i] <= w.end);
        if (inside) continue;
        c.points++;
        if (flagged[i]) c.fpPoints++;
      }
    }
    const all = [...counts.values()].reduce(
      (a, c) => ({ windows: a.windows + c.windows, found: a.found + c.found, fpPoints: a.fpPoints + c.fpPoints, points: a.points + c.points }),
      { windows: 0, found: 0, fpPoints: 0, points: 0 },
    );
    rows.push([
      detector.name,
      fixed(detector.threshold, 2),
      ...ANOMALY_KINDS.map((k) => {
        const c = counts.get(k)!;
        return `${fixed(c.found / c.windows, 2)}/${c.fpPoints}`;
      }),
      fixed(all.found / all.windows, 3),
      fixed((1000 * all.fpPoints) / all.points, 2),
    ]);
  }
  console.log(
    `synthetic corpus, seed ${seeds.join(",")}: ${corpus.length} series; per kind: share of windows found / false-positive points` +
      " (flagged outside every window, after probation) at the detector's own threshold",
  );
  printTable(header, rows);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
