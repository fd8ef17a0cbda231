/** Reads a corpus in NAB's layout: data/<category>/<file>.csv, labels/combined_windows.json, results/. */
import fs from "node:fs";
import path from "node:path";
import { parseNabTimestamp, parseWindows, type NabWindow } from "../../lib/detection/nab";

export interface NabSeries {
  /** "<category>/<file>.csv", the key of the label files. */
  key: string;
  timestamps: number[];
  values: number[];
  windows: NabWindow[];
}

/** `*` matches within a path segment, `**` across segments. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  const pattern = escaped.replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\?/g, ".").replace(/\u0000/g, ".*");
  return new RegExp(`^${pattern}$`);
}

function readCsvColumns(file: string, wanted: string[]): { timestamps: number[]; columns: number[][] } {
  const [header, ...lines] = fs.readFileSync(file, "utf8").split(/\r?\n/).filter((l) => l.length > 0);
  const names = header.split(",");
  const indices = wanted.map((w) => {
    const i = names.indexOf(w);
    if (i < 0) throw new Error(`${file}: no column ${w}`);
    return i;
  });
  const timestamps: number[] = [];
  const columns = wanted.map(() => [] as number[]);
  for (const line of lines) {
    const cells = line.split(",");
    timestamps.push(parseNabTimestamp(cells[0]));
    indices.forEach((c, k) => columns[k].push(Number(cells[c])));
  }
  return { timestamps, columns };
}

export function loadNabCorpus(dataDir: string, filesGlob?: string): NabSeries[] {
  const labels = JSON.parse(fs.readFileSync(path.join(dataDir, "labels/combined_windows.json"), "utf8"));
  const match = filesGlob ? globToRegExp(filesGlob) : null;
  const root = path.join(dataDir, "data");
  // NAB's own layout has files (README.md) beside the category folders: only folders are categories.
  const keys = fs
    .readdirSync(root)
    .filter((name) => fs.statSync(path.join(root, name)).isDirectory())
    .flatMap((category) =>
      fs.readdirSync(path.join(root, category)).filter((f) => f.endsWith(".csv")).map((f) => `${category}/${f}`),
    )
    .filter((key) => !match || match.test(key))
    .sort();
  return keys.map((key) => {
    if (!(key in labels)) throw new Error(`No windows for ${key} in combined_windows.json`);
    const { timestamps, columns } = readCsvColumns(path.join(root, key), ["value"]);
    return { key, timestamps, values: columns[0], windows: parseWindows(labels[key]) };
  });
}

/** Published `anomaly_score` columns of one detector for the given series, or null when any is missing. */
export function loadPublishedScores(dataDir: string, detector: string, series: NabSeries[]): number[][] | null {
  const files = series.map((s) => {
    const [category, name] = s.key.split("/");
    return path.join(dataDir, "results", detector, category, `${detector}_${name}`);
  });
  if (!files.every((f) => fs.existsSync(f))) return null;
  return files.map((f) => readCsvColumns(f, ["anomaly_score"]).columns[0]);
}

/** NAB's chosen threshold per profile for a published detector, from config/thresholds.json. */
export function loadPublishedThreshold(dataDir: string, detector: string, profile: string): number | null {
  const file = path.join(dataDir, "config/thresholds.json");
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, "utf8"))[detector]?.[profile]?.threshold ?? null;
}
