/** Runs sklearn_bench.py on the bench's rows, or says why it cannot. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LabelledRows } from "./synthetic";

export interface SklearnResult {
  fit_s: number;
  score_s: number;
  /** CPU seconds of the first fit + score in the process (after the imports). */
  cpu_s: number;
  /** CPU seconds of the same fit + score again, on a fresh model. */
  warm_cpu_s: number;
  rows_per_s: number;
  auc: number;
  /** Models with a random start: one warm fit + score per seed (random_state = seed). */
  seeded?: SklearnSeededRun[];
}

export interface SklearnSeededRun {
  seed: number;
  cpu_s: number;
  auc: number;
  /** EM iterations per component count 1..K, then the count BIC kept. */
  passes: number[];
}

export interface SklearnRun {
  python: string;
  version: string;
  models: Record<string, SklearnResult>;
}

const SINGLE_THREAD = { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

/** The first interpreter that imports sklearn: the given one, else python3, else Debian's /usr/bin/python3. */
function findPython(preferred?: string): { python: string; version: string } | null {
  for (const python of preferred ? [preferred] : ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(python, ["-c", "import sklearn; print(sklearn.__version__)"], { encoding: "utf8" });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return null;
}

export function runSklearn(
  data: LabelledRows,
  trainRows: number,
  options: {
    trees: number;
    sampleSize: number;
    neighbors: number;
    python?: string;
    /** Kinds to run and the parameters of the newer models (see sklearn_bench.py's MODELS_JSON). */
    models: { kinds: string[] } & Record<string, unknown>;
  },
): SklearnRun | string {
  const found = findPython(options.python);
  if (!found) return "no python3 with scikit-learn (Debian: apt-get install -y python3-sklearn)";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-bench-"));
  try {
    const xPath = path.join(dir, "x.f64");
    const yPath = path.join(dir, "labels.u8");
    fs.writeFileSync(xPath, Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength));
    fs.writeFileSync(yPath, data.labels);
    const script = path.join(import.meta.dirname, "sklearn_bench.py");
    const args = [xPath, yPath, data.rows, data.width, trainRows, options.trees, options.sampleSize, options.neighbors, JSON.stringify(options.models)];
    const result = spawnSync(found.python, [script, ...args.map(String)], {
      encoding: "utf8",
      env: { ...process.env, ...SINGLE_THREAD },
      maxBuffer: 1 << 20,
      timeout: 30 * 60_000,
    });
    if (result.status !== 0) return `sklearn_bench.py failed: ${result.stderr.trim().split("\n").pop()}`;
    return { ...found, models: JSON.parse(result.stdout) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
