/**
 * Gives a detector definition the `calibration` parameter (common/calibration.ts): its scores
 * become tail probabilities on the series' own score history. The calibrator's state rides in
 * the detector's own state object under `calibration`, so states written before calibration
 * existed still resume (with a fresh calibrator), and `create(params, state)` stays exact.
 *
 * `calibration.reference` (auto): a group's calibrator of the kinds in FIXED_REFERENCE_KINDS freezes
 * its window into a fixed map after its first 1,000 live scores (common/calibration-map.ts); a
 * calibrator saved before that option resumes reading its window until the detector is next trained.
 */
import { z } from "zod";
import { calibrationParams, ScoreCalibrator, type CalibrationState } from "./common/calibration";
import {
  isLikelihoodStageState,
  LikelihoodStage,
  likelihoodStageParams,
  type LikelihoodStageParams,
} from "./likelihood-stage";
import type { Detector, DetectorDefinition, Observation, Scored } from "./types";

const CALIBRATION_KEY = "calibration";
/** The likelihood stage's state (likelihood-stage.ts); absent: the detector ran without the stage. */
const LIKELIHOOD_KEY = "likelihood";

/**
 * Kinds whose groups read a fixed map by default (`reference: auto`): their bench:multivariate F1 rose on
 * held-out seeds with it, and the map keeps the model's ranking (bench:detect ROC-AUC = the model's).
 * DBSCAN's F1 fell; the others were not measured with it.
 */
export const FIXED_REFERENCE_KINDS: ReadonlySet<string> = new Set(["pca", "gaussian-mixture", "autoencoder", "lof", "isolation-forest"]);

function freezesGroups(kind: string, c: z.infer<typeof calibrationParams>): boolean {
  const reference = c.reference ?? "auto";
  return reference === "fixed" || (reference === "auto" && FIXED_REFERENCE_KINDS.has(kind));
}

/** One default threshold for every calibrated kind: as rare as a two-sided 3-sigma point (p = 0.0027). */
export const CALIBRATED_THRESHOLD = 0.5;

type WithCalibration = Record<string, unknown> & {
  calibration?: z.infer<typeof calibrationParams> & { likelihood?: LikelihoodStageParams };
};

interface SplitState {
  inner: unknown;
  calibration?: CalibrationState;
  /** The saved state is an object without the likelihood stage's state: it ran without the stage. */
  ranWithoutStage: boolean;
  stage?: unknown;
}

function innerState(state: unknown): SplitState {
  if (!state || typeof state !== "object" || Array.isArray(state)) return { inner: state, ranWithoutStage: false };
  const { [CALIBRATION_KEY]: calibration, [LIKELIHOOD_KEY]: stage, ...inner } = state as Record<string, unknown>;
  return {
    inner,
    calibration: calibration && typeof calibration === "object" ? (calibration as CalibrationState) : undefined,
    ranWithoutStage: !Object.hasOwn(state, LIKELIHOOD_KEY),
    stage,
  };
}

/** History scored to seed the calibrator: up to this many leading scores are dropped (shingles still mixing). */
const SEED_SETTLE = 256;

/**
 * Seeds the calibrator with the trained model's own native scores of the last `window` training
 * observations: a copy restored from (a deep copy of) the trained state scores them (timestamps moved
 * past the window, so its input guard takes them in order) and is dropped; the detector is untouched.
 */
function seedCalibrator(probe: Detector, history: Observation[], calibrator: ScoreCalibrator, window: number): void {
  const n = history.length;
  if (n < 2) return;
  const settle = Math.min(SEED_SETTLE, Math.floor(n / 2));
  const from = Math.max(0, n - window - settle);
  const shift = history[n - 1].t - history[from].t + 1;
  for (let i = from; i < n; i++) {
    const r = probe.update({ ...history[i], t: history[i].t + shift });
    if (!r.skipped && i >= from + settle) calibrator.learn(r.score, history[i].values.length > 1);
  }
}

function wrap(
  detector: Detector,
  calibrator: ScoreCalibrator,
  seed: ((history: Observation[]) => void) | null,
  freezeGroups: boolean,
  stage: LikelihoodStage | null = null,
): Detector {
  return {
    kind: detector.kind,
    train: detector.train
      ? (history: Observation[]) => {
          detector.train!(history);
          calibrator.restart(freezeGroups);
          seed?.(history);
        }
      : undefined,
    update(obs: Observation): Scored {
      const r = detector.update(obs);
      if (r.skipped) return r;
      const calibrated = calibrator.calibrate(r.score, obs.values.length > 1);
      r.score = stage ? stage.update(r.score, calibrated) : calibrated;
      return r;
    },
    getState() {
      const s = detector.getState();
      const out = { ...(s as Record<string, unknown>), [CALIBRATION_KEY]: calibrator.getState() };
      return stage ? { ...out, [LIKELIHOOD_KEY]: stage.getState() } : out;
    },
  };
}

export interface CalibrationOptions {
  /**
   * Offer `calibration.likelihood` (likelihood-stage.ts), on by default when true. Untrained
   * univariate kinds only (the stage counts points, a trained kind's scores start from its training).
   */
  likelihood?: boolean;
}

/** The definition with a `calibration` parameter (enabled by default) wrapped around its scores. */
export function withCalibration<P, S>(def: DetectorDefinition<P, S>, options: CalibrationOptions = {}): DetectorDefinition {
  if (!(def.params instanceof z.ZodObject)) throw new Error(`${def.kind}: calibration needs an object params schema`);
  const stageSchema = options.likelihood === undefined ? null : likelihoodStageParams(options.likelihood);
  const calibration = stageSchema
    ? calibrationParams.extend({ likelihood: stageSchema.default(() => stageSchema.parse({})) })
    : calibrationParams;
  const params = def.params.extend({
    calibration: calibration.prefault({}).describe("Score calibration against this series' own score history"),
  });
  return {
    ...def,
    defaultThreshold: CALIBRATED_THRESHOLD,
    params,
    create(raw: WithCalibration, state?: unknown) {
      const c = raw.calibration ?? calibration.parse({});
      const { inner, calibration: saved, ranWithoutStage, stage } = innerState(state);
      const detector = def.create(raw as P, inner as S);
      if (!c.enabled) return detector;
      const freezeGroups = freezesGroups(def.kind, c);
      const calibrator = new ScoreCalibrator(c, saved, { freezeGroups });
      const seed =
        c.seedFromTraining && def.needsTraining
          ? (history: Observation[]) =>
              seedCalibrator(def.create(raw as P, structuredClone(detector.getState()) as S), history, calibrator, c.window)
          : null;
      // A saved state without the stage's state ran without it (off, or saved before it existed): it resumes so.
      const l = stageSchema ? ((c as NonNullable<WithCalibration["calibration"]>).likelihood ?? stageSchema.parse({})) : null;
      const withStage = !!l?.enabled && !ranWithoutStage;
      const likelihood = withStage ? new LikelihoodStage(l, isLikelihoodStageState(stage) ? stage : undefined) : null;
      return wrap(detector, calibrator, seed, freezeGroups, likelihood);
    },
  };
}
