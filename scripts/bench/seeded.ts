/**
 * bench:detect's comparison over several seeds, for models whose fit depends on a random start (the
 * Gaussian mixture's EM: its passes, and so its time, swing several-fold with the start on both sides).
 * Both sides are timed warm once per seed on the same rows (Vigil `seed` = s, scikit-learn
 * `random_state` = s); the table prints the mean and the range per side, and the ratio of the means.
 */
import type { BenchDetector } from "./detectors";
import type { SklearnSeededRun } from "./sklearn";
import { fixed, printTable } from "./table";

/** Kinds whose scikit-learn counterpart takes a random_state. */
export const SEEDED_KINDS = new Set(["gaussian-mixture"]);

export interface SeededRun {
  cpuSeconds: number;
  auc: number;
  state: unknown;
}

export interface VigilSeeded {
  seed: number;
  /** Warm, calibrated (as the worker runs it). */
  calibrated: SeededRun;
  /** Warm, calibration off and persistence steps 1 (scikit-learn's task). */
  model: SeededRun;
}

/** "1-5" or "1,2,7" as a list of seeds. */
export function parseSeeds(text: string): number[] {
  return text.split(",").flatMap((part) => {
    const range = /^(\d+)-(\d+)$/.exec(part.trim());
    if (!range) return part.trim() ? [Number(part)] : [];
    const out: number[] = [];
    for (let s = Number(range[1]); s <= Number(range[2]); s++) out.push(s);
    return out;
  });
}

/** The detector with another `seed`, under its own name. */
export function withSeed(detector: BenchDetector, seed: number, resolve: (name: string) => BenchDetector): BenchDetector {
  return resolve(`${detector.kind}${JSON.stringify({ ...(detector.params as Record<string, unknown>), seed })}`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const spread = (xs: number[], digits: number) =>
  `${fixed(mean(xs), digits)} (${fixed(Math.min(...xs), digits)}-${fixed(Math.max(...xs), digits)})`;

/** EM passes of the kept model and its component count, from a Vigil state (`model.iterations`, `model.k`). */
function keptModel(state: unknown): { passes: number; k: number } | null {
  const m = (state as { model?: { iterations?: number; k?: number } } | undefined)?.model;
  return m && typeof m.iterations === "number" && typeof m.k === "number" ? { passes: m.iterations, k: m.k } : null;
}

export function printSeededTable(kind: string, vigil: VigilSeeded[], sklearn: SklearnSeededRun[]): void {
  if (!vigil.length || !sklearn.length) return;
  const seeds = vigil.map((v) => v.seed).join(", ");
  console.log(
    `\n${kind} over seeds ${seeds} (Vigil seed = scikit-learn random_state; warm runs; mean (min-max) CPU s and ` +
      "ROC-AUC; EM passes: scikit-learn's n_iter_ per component count 1..K, and both sides' kept model's iterations @ its count):",
  );
  const sk = sklearn.map((s) => s.cpu_s);
  const cal = vigil.map((v) => v.calibrated.cpuSeconds);
  const model = vigil.map((v) => v.model.cpuSeconds);
  printTable(
    ["side", "CPU s", "vs sklearn (means)", "ROC-AUC"],
    [
      ["scikit-learn", spread(sk, 3), "1.00", spread(sklearn.map((s) => s.auc), 4)],
      ["Vigil calibrated", spread(cal, 3), fixed(mean(cal) / mean(sk), 2), spread(vigil.map((v) => v.calibrated.auc), 4)],
      ["Vigil model", spread(model, 3), fixed(mean(model) / mean(sk), 2), spread(vigil.map((v) => v.model.auc), 4)],
    ],
  );
  printTable(
    ["seed", "sklearn passes k=1..K", "sklearn kept", "vigil kept", "sklearn CPU s", "vigil model CPU s"],
    vigil.map((v, i) => {
      const s = sklearn[i];
      const ours = keptModel(v.model.state);
      const kept = s.passes[s.passes.length - 1];
      return [
        String(v.seed),
        s.passes.slice(0, -1).join(" "),
        `${s.passes[kept - 1]} @ ${kept}`,
        ours ? `${ours.passes} @ ${ours.k}` : "-",
        fixed(s.cpu_s, 3),
        fixed(v.model.cpuSeconds, 3),
      ];
    }),
  );
}
