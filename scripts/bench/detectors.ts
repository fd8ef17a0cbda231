/** The detectors a bench runs, resolved by kind from Vigil's registry ("default" = its default configuration). */
import { createDetector, defaultDetectorConfig, detectorDefinitions } from "../../lib/detection/registry";
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

export function resolveDetector(name: string): BenchDetector {
  const config = name === "default" ? defaultDetectorConfig() : { kind: name, params: {}, threshold: undefined };
  const definition = Object.hasOwn(detectorDefinitions, config.kind) ? detectorDefinitions[config.kind] : undefined;
  if (!definition) {
    throw new Error(`Unknown detector "${name}". Known: default, ${Object.keys(detectorDefinitions).join(", ")}`);
  }
  const params = definition.params.parse(config.params);
  return {
    name: name === "default" ? `default (${config.kind})` : name,
    kind: config.kind,
    input: definition.input,
    needsTraining: definition.needsTraining,
    threshold: config.threshold ?? definition.defaultThreshold ?? FALLBACK_THRESHOLD,
    params,
    create: () => createDetector(config.kind, params),
  };
}

/** "all" expands to every kind in the registry. */
export const resolveDetectors = (names: string[]) =>
  names.flatMap((n) => (n === "all" ? Object.keys(detectorDefinitions) : [n])).map(resolveDetector);

export const allDetectors = () => Object.keys(detectorDefinitions).map(resolveDetector);
