/**
 * Proof against NAB's published per-row scores: from the published anomaly_score column, the
 * windows and NAB's thresholds, every S(t) must come out as NAB wrote it, for all three profiles.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  NAB_PROFILE_NAMES,
  corpusBounds,
  normalizeNabScore,
  parseNabTimestamp,
  parseProfiles,
  parseWindows,
  prepareFile,
  scoreCorpus,
  scorePreparedFile,
  type PreparedFile,
} from "./index";

const dataDir = path.resolve(import.meta.dirname, "../../..", "../shared/data/nab");
const hasData = fs.existsSync(path.join(dataDir, "results"));
const readJson = (rel: string) => JSON.parse(fs.readFileSync(path.join(dataDir, rel), "utf8"));

interface ResultFile {
  key: string;
  timestamps: number[];
  columns: Record<string, number[]>;
}

function readResults(detector: string): ResultFile[] {
  const root = path.join(dataDir, "results", detector);
  return fs.readdirSync(root).sort().flatMap((category) =>
    fs.readdirSync(path.join(root, category)).sort().map((name) => {
      const [header, ...lines] = fs.readFileSync(path.join(root, category, name), "utf8").trim().split("\n");
      const names = header.split(",");
      const cells = lines.map((line) => line.split(","));
      const columns: Record<string, number[]> = {};
      names.forEach((n, c) => (columns[n] = c === 0 ? [] : cells.map((row) => Number(row[c]))));
      return {
        key: `${category}/${name.slice(detector.length + 1)}`,
        timestamps: cells.map((row) => parseNabTimestamp(row[0])),
        columns,
      };
    }),
  );
}

// Reads ~390k published rows; generous timeouts for a busy machine.
describe.skipIf(!hasData)("NAB scoring reproduces published results (needs ../shared/data/nab)", { timeout: 60_000 }, () => {
  const windows = hasData ? readJson("labels/combined_windows.json") : {};
  const profiles = hasData ? parseProfiles(readJson("config/profiles.json")) : {};
  const thresholds = hasData ? readJson("config/thresholds.json") : {};

  const prepare = (files: ResultFile[], scores: (f: ResultFile) => number[] = (f) => f.columns.anomaly_score) =>
    files.map((f) => prepareFile({ timestamps: f.timestamps, scores: scores(f), windows: parseWindows(windows[f.key]) }));

  it.each(["numenta", "windowedGaussian"])("per-row S(t) of %s for every profile", (detector) => {
    const files = readResults(detector);
    expect(files.length).toBe(Object.keys(windows).length);
    const prepared = prepare(files);
    let compared = 0;
    for (const profile of NAB_PROFILE_NAMES) {
      const threshold = thresholds[detector][profile].threshold;
      files.forEach((file, k) => {
        const published = file.columns[`S(t)_${profile}`];
        const ours = scorePreparedFile(prepared[k], threshold, profiles[profile]).rowScores;
        expect(ours.length).toBe(published.length);
        const mismatch = published.findIndex((v, i) => Math.abs(v - ours[i]) > 1e-9);
        expect(mismatch, `${file.key} ${profile} row ${mismatch}`).toBe(-1);
        compared += published.length;
      });
    }
    console.log(`${detector}: ${compared} rows x profiles matched (${files.length} files)`);
    expect(compared).toBeGreaterThan(3 * 100_000);
  });

  it("normalizes the null detector to 0, a perfect one to 100, and prints the subset scores", () => {
    const nullFiles = readResults("null");
    const nullPrepared = prepare(nullFiles);
    const perfect: PreparedFile[] = prepare(nullFiles, (f) => {
      const scores = f.timestamps.map(() => 0);
      for (const w of parseWindows(windows[f.key])) scores[f.timestamps.findIndex((t) => t >= w.start)] = 1;
      return scores;
    });
    const published: Record<string, PreparedFile[]> = {
      numenta: prepare(readResults("numenta")),
      windowedGaussian: prepare(readResults("windowedGaussian")),
    };
    for (const profile of NAB_PROFILE_NAMES) {
      const cost = profiles[profile];
      const bounds = corpusBounds(nullPrepared, cost);
      expect(bounds.windows).toBe(39);
      const nullTotal = scoreCorpus(nullPrepared, thresholds.null[profile].threshold, cost);
      expect(normalizeNabScore(nullTotal.score, bounds)).toBeCloseTo(0, 9);
      expect(normalizeNabScore(scoreCorpus(perfect, 0.5, cost).score, bounds)).toBeCloseTo(100, 9);
      const subset = ["numenta", "windowedGaussian"].map((detector) => {
        const total = scoreCorpus(published[detector], thresholds[detector][profile].threshold, cost);
        return `${detector} ${normalizeNabScore(total.score, bounds).toFixed(2)}`;
      });
      console.log(`subset normalized (${profile}): ${subset.join(", ")}`);
    }
  });
});
