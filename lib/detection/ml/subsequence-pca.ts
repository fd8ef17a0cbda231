/**
 * Subsequence PCA (the best-ranked univariate method of the TSB-AD benchmark): PCA reconstruction
 * of the last `window` values of one series, the window being the series' detected period in
 * samples when not given. A change of shape within a cycle leaves the learned subspace even when
 * every value stays within its usual range. Extra values of an observation are ignored, as for
 * every univariate detector.
 */
import { z } from "zod";
import type { Detector, DetectorDefinition, Observation } from "@/lib/detection/types";
import { MAX_WINDOW, MIN_WINDOW } from "./common/period-window";
import { shingleModeParam } from "./common/params";
import { componentsParam, PcaDetector, varianceKeptParam, type PcaState } from "./pca";

const FALLBACK_WINDOW = 32;

export const subsequencePcaParams = z.object({
  window: z
    .number()
    .int()
    .min(MIN_WINDOW)
    .max(MAX_WINDOW)
    .nullable()
    .default(null)
    .describe(`Subsequence length in points (empty: the detected period, else ${FALLBACK_WINDOW})`),
  varianceKept: varianceKeptParam,
  components: componentsParam,
  shingleMode: shingleModeParam(),
});
export type SubsequencePcaParams = z.infer<typeof subsequencePcaParams>;

const firstValue = (obs: Observation): Observation =>
  obs && Array.isArray(obs.values) && obs.values.length > 1 ? { t: obs.t, values: obs.values.slice(0, 1) } : obs;

function create(params: SubsequencePcaParams, state?: PcaState): Detector<PcaState> {
  const p = subsequencePcaParams.parse(params ?? {});
  const inner = new PcaDetector(
    {
      kind: "subsequence-pca",
      varianceKept: p.varianceKept,
      components: p.components,
      shingleSize: p.window ?? FALLBACK_WINDOW,
      shingleMode: p.shingleMode,
      autoWindow: p.window === null,
      fallbackWindow: FALLBACK_WINDOW,
    },
    state,
  );
  return {
    kind: inner.kind,
    train: (history) => inner.train(history.map(firstValue)),
    update: (obs) => inner.update(firstValue(obs)),
    getState: () => inner.getState(),
  };
}

export const subsequencePca: DetectorDefinition<SubsequencePcaParams, PcaState> = {
  kind: "subsequence-pca",
  label: "Subsequence PCA",
  description:
    "PCA on sliding windows of one series (window = its detected period unless given); a cycle whose shape " +
    "departs from the learned ones scores high, even when each value is within its usual range.",
  input: "univariate",
  defaultThreshold: 0.8,
  needsTraining: true,
  params: subsequencePcaParams,
  create,
};
