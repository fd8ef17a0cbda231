/**
 * Every detector kind Vigil knows, and the one place configurations become live detectors.
 */
import { withCalibration } from "./calibrated";
import { withGate } from "./gate";
import { withPersistence } from "./persistence";
import { changePoint } from "./algorithms/change-point";
import { ensembleDefinition } from "./algorithms/ensemble";
import { ewma } from "./algorithms/ewma";
import { matrixProfile } from "./algorithms/matrix-profile";
import { flatline } from "./algorithms/flatline";
import { robustZscore } from "./algorithms/robust-zscore";
import { seasonal } from "./algorithms/seasonal";
import { threshold } from "./algorithms/threshold";
import { zscore } from "./algorithms/zscore";
import { autoencoder } from "./ml/autoencoder";
import { isolationForest } from "./ml/isolation-forest";
import { kmeans } from "./ml/kmeans";
import { lof } from "./ml/lof";
import { lstm } from "./ml/lstm";
import { randomCutForest } from "./ml/random-cut-forest";
// issue 17 models (branch models)
import { dbscan } from "./ml/dbscan";
import { gaussianMixture } from "./ml/gaussian-mixture";
import { oneClassSvm } from "./ml/one-class-svm";
import { pca } from "./ml/pca";
import { subsequencePca } from "./ml/subsequence-pca";
import type { Detector, DetectorDefinition } from "./types";

/** Per trained kind: the gate's default (see gatedMl). */
const ML_GATE_DEFAULTS = new Map<string, boolean>([
  ["isolation-forest", false],
  ["random-cut-forest", false],
  ["lof", false],
  ["kmeans", false],
  ["autoencoder", true],
  ["lstm", false],
  ["one-class-svm", true],
  ["gaussian-mixture", true],
  ["dbscan", false],
  ["pca", false],
  ["subsequence-pca", false],
]);

/**
 * Every kind but `threshold` (its limits are the user's, not a rarity) and `ensemble` (its members
 * are calibrated, its likelihood is a tail probability already) reports calibrated scores.
 */
/**
 * Multivariate-capable kinds can combine a group's consecutive steps (persistence.ts). On by default
 * where the step-to-step residuals are close to independent, as Fisher's method needs (chosen on
 * bench:multivariate seed 2026, checked on seeds 101-103): elsewhere `steps` defaults to 1 (off).
 */
function pooled(def: DetectorDefinition, defaultSteps: number): DetectorDefinition {
  return def.input === "univariate" ? def : withPersistence(def, defaultSteps);
}

/**
 * Statistical kinds alone: one report per incident (gate.ts). On by default where it raised the held-out
 * figures (NAB leave-one-category-out, synthetic seeds 301-306 FP) at a cost of at most 3 of 384 synthetic
 * windows; off for change-point (NAB per point and synthetic found fell). README: incident gate. A saved
 * state from a detector that ran without the gate resumes without it (gate.ts).
 */
const GATE_DEFAULT: Readonly<Record<string, boolean>> = { zscore: true, "robust-zscore": true, ewma: true, seasonal: true, "change-point": false };
const GATED = new Set([...Object.keys(GATE_DEFAULT), ...ML_GATE_DEFAULTS.keys()]);

/**
 * Trained kinds alone, on a series: one report per incident (gate.ts, `trained`: a group's steps are
 * never gated; a model saved before the gate scores without it until its next training). On by
 * default where the held-out figures improved (lib/detection/ml/README.md, "Incident gate").
 */
function gatedMl(def: DetectorDefinition): DetectorDefinition {
  return withGate(def, ML_GATE_DEFAULTS.get(def.kind) ?? false, { trained: true });
}

/**
 * Statistical kinds alone: the default ensemble's anomaly-likelihood stage on their calibrated score
 * (`calibration.likelihood`, likelihood-stage.ts). Per kind the default; README: likelihood stage.
 */
const LIKELIHOOD_DEFAULT: Readonly<Record<string, boolean>> = {
  zscore: false,
  "robust-zscore": false,
  ewma: false,
  seasonal: true,
  "change-point": false,
};

/**
 * An ensemble member's gate and likelihood stage are off unless its own params turn them on: the
 * ensemble decides incidents (suppression, incident scores, its own likelihood), and saved ensembles
 * keep their members' scores.
 */
function memberParams(kind: string, params: unknown): unknown {
  if (!GATED.has(kind)) return params;
  let own = params && typeof params === "object" ? (params as Record<string, unknown>) : {};
  if (!("gate" in own)) own = { ...own, gate: { enabled: false } };
  if (!(kind in LIKELIHOOD_DEFAULT)) return own;
  const calibration = own.calibration && typeof own.calibration === "object" ? (own.calibration as Record<string, unknown>) : {};
  return "likelihood" in calibration ? own : { ...own, calibration: { ...calibration, likelihood: { enabled: false } } };
}

const gated = <P, S>(def: DetectorDefinition<P, S>) =>
  withGate(withCalibration(def, { likelihood: LIKELIHOOD_DEFAULT[def.kind] }), GATE_DEFAULT[def.kind]);

export const detectorDefinitions: Readonly<Record<string, DetectorDefinition>> = Object.freeze(
  Object.fromEntries(
    [
      threshold,
      gated(zscore),
      gated(robustZscore),
      gated(ewma),
      gated(seasonal),
      gated(changePoint),
      withCalibration(flatline),
      withCalibration(matrixProfile),
      ensembleDefinition(createMemberDetector),
      gatedMl(pooled(withCalibration(isolationForest), 1)),
      gatedMl(pooled(withCalibration(randomCutForest), 1)),
      gatedMl(pooled(withCalibration(lof), 8)),
      gatedMl(pooled(withCalibration(kmeans), 1)),
      gatedMl(pooled(withCalibration(autoencoder), 8)),
      gatedMl(pooled(withCalibration(lstm), 1)),
      // issue 17 models (branch models)
      gatedMl(pooled(withCalibration(oneClassSvm), 1)),
      gatedMl(pooled(withCalibration(gaussianMixture), 8)),
      gatedMl(pooled(withCalibration(dbscan), 1)),
      gatedMl(pooled(withCalibration(pca), 8)),
      gatedMl(withCalibration(subsequencePca)),
    ].map((d) => [d.kind, d]),
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

/** An ensemble member as the ensemble creates it (its gate off unless its params say so); also for scoring a member alone. */
export function createMemberDetector(kind: string, rawParams: unknown, state?: unknown): Detector {
  return createDetector(kind, memberParams(kind, rawParams), state);
}

export interface DetectorConfig {
  kind: string;
  params: Record<string, unknown>;
  threshold: number;
}

/**
 * The configuration a new univariate series gets: the rarer of three views, a seasonal model (so
 * daily/weekly rhythms are expected, not flagged), a long-memory z-score (values unlike anything
 * in the last 5000 points, which a fast-adapting seasonal level forgives), a flatline detector
 * (a sensor that stops changing) and a drift test (a seasonal model's slow level departing slowly), turned into an anomaly likelihood (noisy series stay quiet,
 * quiet ones alert early), one alert per incident (suppression lasts until 100 points after the
 * last high score). Seasonal and z-score report native scores (the likelihood is their
 * calibration); the flatline's calibrated score and the drift test's score join after the likelihood. With `incidentScores`, the incident decision is made once, at `suppressAbove`
 * 0.6, and every other point scores below 0.3, so any threshold in (0.3, 0.6] flags the same
 * points: the threshold no longer interacts with suppression (README: figures, sweeps, held-out).
 */
export function defaultDetectorConfig(): DetectorConfig {
  const native = { calibration: { enabled: false } };
  return {
    kind: "ensemble",
    params: {
      members: [
        // The slow level (season shape, drift) only where a season was found, and only when 1/0.9 times rarer.
        // Beside it (`split`, the same model): a slow drift no point shows, an EWMA of the slow level's z against its
        // own spread, joining after the likelihood like a direct member ("seasonal (drift)").
        {
          kind: "seasonal",
          params: { weeklyRecheckPoints: 5000, slowAlpha: 0.001, slowNeedsSeason: true, slowWeight: 0.9, output: "split", driftLambda: 0.02, driftReset: 0.6, ...native },
          weight: 1,
        },
        { kind: "zscore", params: { window: 5000, ...native }, weight: 1 },
        // A tail probability already (and calibrated): joins after the likelihood, which would average it away.
        { kind: "flatline", params: {}, weight: 1, direct: true },
      ],
      combine: "max",
      // pointWeight: a single extreme point (calibrated on the series, times 0.75) joins after the likelihood,
      // whose 5-point average would otherwise dilute a one-point spike or dip below the incident score.
      likelihood: { enabled: true, shortWindow: 5, longWindow: 1000, learningPoints: 100, minStd: 0.625, pointWeight: 0.75 },
      suppressPoints: 100,
      suppressAbove: 0.6,
      suppressExtend: true,
      incidentScores: true,
    },
    threshold: 0.5,
  };
}
