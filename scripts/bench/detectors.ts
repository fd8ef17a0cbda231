/** The detectors a bench runs, resolved by kind from Vigil's registry ("default" = its default configuration). */
import { createDetector, defaultDetectorConfig, detectorDefinitions, type DetectorConfig } from "../../lib/detection/registry";
import type { Detector, DetectorInput } from "../../lib/detection/types";

export interface BenchDetector {
  name: string;
  kind: string;
  input: DetectorInput | "both";
  needsTraining: boolean;
  /** Score at or above which the detector flags a point. */
  threshold: number;
  /** Parsed parameters, defaults filled in. */
  params: unknown;
  create(): Detector;
}

/** Used only when neither the configuration nor the definition names a threshold. */
const FALLBACK_THRESHOLD = 0.5;

/**
 * The default as it was before issue 13 (tuned on the NAB subset, members on their native scales),
 * kept as the bench's baseline.
 */
export function defaultBeforeConfig(): DetectorConfig {
  const native = { calibration: { enabled: false } };
  return {
    kind: "ensemble",
    params: {
      members: [
        { kind: "seasonal", params: { weeklyRecheckPoints: 5000, slowAlpha: 0, ...native }, weight: 1 },
        { kind: "zscore", params: { window: 5000, ...native }, weight: 1 },
      ],
      combine: "max",
      likelihood: { enabled: true, shortWindow: 5, longWindow: 1000, learningPoints: 100, minStd: 0.625 },
      suppressPoints: 100,
      suppressAbove: 0.6,
      suppressExtend: true,
    },
    threshold: 0.6,
  };
}

function configOf(name: string): { kind: string; params: Record<string, unknown>; threshold?: number } {
  if (name === "default") return defaultDetectorConfig();
  if (name === "default-before") return defaultBeforeConfig();
  // "<kind>{json}": the kind with these parameters (a variant measured beside its default).
  const variant = /^([\w-]+)(\{.*\})$/s.exec(name);
  if (variant) return { kind: variant[1], params: JSON.parse(variant[2]) as Record<string, unknown> };
  // "<kind>@raw": the kind's native, uncalibrated scores (the scale before issue 13).
  if (name.endsWith("@raw")) return { kind: name.slice(0, -4), params: { calibration: { enabled: false } } };
  return { kind: name, params: {} };
}

/** A name may carry its own label, `label=<kind>{json}`, so variants tell apart in the tables. */
export function resolveDetector(labelled: string): BenchDetector {
  const named = /^([\w.@-]+)=(.+)$/s.exec(labelled);
  const name = named ? named[2] : labelled;
  const config = configOf(name);
  const definition = Object.hasOwn(detectorDefinitions, config.kind) ? detectorDefinitions[config.kind] : undefined;
  if (!definition) {
    throw new Error(`Unknown detector "${name}". Known: default, default-before, ${Object.keys(detectorDefinitions).join(", ")}`);
  }
  const params = definition.params.parse(config.params);
  return {
    name: named
      ? named[1]
      : name.startsWith("default")
        ? `${name} (${config.kind})`
        : name.length > 40
          ? `${name.slice(0, 37)}...`
          : name,
    kind: config.kind,
    input: definition.input,
    needsTraining: definition.needsTraining,
    threshold: config.threshold ?? definition.defaultThreshold ?? FALLBACK_THRESHOLD,
    params,
    create: () => createDetector(config.kind, params),
  };
}

/** Splits a `--detectors` list at the commas outside braces, so `'zscore,ensemble{"members":[...]}'` is two names. */
export function splitDetectorList(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "{" || ch === "[") depth++;
    if (ch === "}" || ch === "]") depth--;
    if (ch === "," && depth === 0) {
      names.push(current);
      current = "";
    } else current += ch;
  }
  names.push(current);
  return names.map((n) => n.trim()).filter(Boolean);
}

/** "all" expands to every kind in the registry. */
export const resolveDetectors = (names: string[]) =>
  names.flatMap((n) => (n === "all" ? Object.keys(detectorDefinitions) : [n])).map(resolveDetector);

export const allDetectors = () => Object.keys(detectorDefinitions).map(resolveDetector);
