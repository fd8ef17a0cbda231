/**
 * The detectors a bench runs, resolved from Vigil's registry by name ("default" = the registry's
 * default configuration). Falls back to a local stand-in only while the registry does not exist.
 */
import type { Detector, DetectorDefinition, DetectorInput } from "../../lib/detection/types";
import { createStandInDetector } from "./stand-in-detector";

export interface BenchDetector {
  name: string;
  kind: string;
  input: DetectorInput | "both";
  needsTraining: boolean;
  /** Score at or above which the detector flags a point. */
  threshold: number;
  create(): Detector;
}

interface RegistryModule {
  createDetector(kind: string, params: unknown, state?: unknown): Detector;
  detectorDefinitions: DetectorDefinition[] | Record<string, DetectorDefinition>;
  defaultDetectorConfig(): { kind: string; params?: unknown; threshold?: number };
}

const DEFAULT_THRESHOLD = 0.5;

async function importRegistry(): Promise<RegistryModule | null> {
  try {
    return (await import("../../lib/detection/registry")) as unknown as RegistryModule;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return null;
    throw error;
  }
}

export async function loadDetectors(names: string[]): Promise<{ detectors: BenchDetector[]; registry: boolean }> {
  const registry = await importRegistry();
  if (!registry) {
    console.warn("lib/detection/registry.ts not found: using the local stand-in detector");
    const standIn: BenchDetector = {
      name: "stand-in",
      kind: "stand-in-zscore",
      input: "univariate",
      needsTraining: false,
      threshold: DEFAULT_THRESHOLD,
      create: () => createStandInDetector(),
    };
    return { detectors: [standIn], registry: false };
  }
  const definitions = Array.isArray(registry.detectorDefinitions)
    ? registry.detectorDefinitions
    : Object.values(registry.detectorDefinitions);
  const byKind = new Map(definitions.map((d) => [d.kind, d]));
  const detectors = names.map((name): BenchDetector => {
    const config = name === "default" ? registry.defaultDetectorConfig() : { kind: name };
    const definition = byKind.get(config.kind);
    if (!definition) throw new Error(`Unknown detector "${name}". Known: default, ${[...byKind.keys()].join(", ")}`);
    const params = definition.params.parse(config.params ?? {}) as Record<string, unknown>;
    const threshold = config.threshold ?? (typeof params.threshold === "number" ? params.threshold : DEFAULT_THRESHOLD);
    return {
      name: name === "default" ? `default (${config.kind})` : name,
      kind: config.kind,
      input: definition.input,
      needsTraining: definition.needsTraining,
      threshold,
      create: () => registry.createDetector(config.kind, params),
    };
  });
  return { detectors, registry: true };
}

/** Every registry detector that takes the given input, for the throughput bench. */
export async function loadAllDetectors(): Promise<BenchDetector[]> {
  const registry = await importRegistry();
  if (!registry) return (await loadDetectors(["default"])).detectors;
  const definitions = Array.isArray(registry.detectorDefinitions)
    ? registry.detectorDefinitions
    : Object.values(registry.detectorDefinitions);
  return (await loadDetectors(definitions.map((d) => d.kind))).detectors;
}
