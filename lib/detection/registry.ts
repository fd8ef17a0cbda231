/**
 * Every detector kind Vigil knows, and the one place configurations become live detectors.
 */
import { changePoint } from "./algorithms/change-point";
import { ensemble } from "./algorithms/ensemble";
import { ewma } from "./algorithms/ewma";
import { robustZscore } from "./algorithms/robust-zscore";
import { seasonal } from "./algorithms/seasonal";
import { threshold } from "./algorithms/threshold";
import { zscore } from "./algorithms/zscore";
import type { Detector, DetectorDefinition } from "./types";

export const detectorDefinitions: Readonly<Record<string, DetectorDefinition>> = Object.freeze(
  Object.fromEntries(
    [threshold, zscore, robustZscore, ewma, seasonal, changePoint, ensemble].map((d) => [d.kind, d]),
  ),
);

export function getDefinition(kind: string): DetectorDefinition {
  const def = Object.hasOwn(detectorDefinitions, kind) ? detectorDefinitions[kind] : undefined;
  if (!def) throw new UnknownDetectorKindError(kind);
  return def;
}

export class UnknownDetectorKindError extends Error {
  constructor(readonly kind: string) {
    super(`Unknown detector kind "${kind}". Known: ${Object.keys(detectorDefinitions).join(", ")}`);
    this.name = "UnknownDetectorKindError";
  }
}

/** Parses `rawParams` with the kind's schema (a ZodError propagates for the API to map) and creates it. */
export function createDetector(kind: string, rawParams: unknown, state?: unknown): Detector {
  const def = getDefinition(kind);
  return def.create(def.params.parse(rawParams ?? {}), state);
}

export interface DetectorConfig {
  kind: string;
  params: Record<string, unknown>;
  threshold: number;
}

/** The configuration a new univariate series gets; see README for why. */
export function defaultDetectorConfig(): DetectorConfig {
  return {
    kind: "ensemble",
    params: {
      members: [
        { kind: "seasonal", params: {}, weight: 1 },
        { kind: "robust-zscore", params: {}, weight: 1 },
      ],
      combine: "max",
      likelihood: { enabled: true },
    },
    threshold: 0.5,
  };
}
