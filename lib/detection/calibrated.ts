/**
 * Gives a detector definition the `calibration` parameter (common/calibration.ts): its scores
 * become tail probabilities on the series' own score history. The calibrator's state rides in
 * the detector's own state object under `calibration`, so states written before calibration
 * existed still resume (with a fresh calibrator), and `create(params, state)` stays exact.
 */
import { z } from "zod";
import { calibrationParams, ScoreCalibrator, type CalibrationState } from "./common/calibration";
import type { Detector, DetectorDefinition, Observation, Scored } from "./types";

const CALIBRATION_KEY = "calibration";

/** One default threshold for every calibrated kind: as rare as a two-sided 3-sigma point (p = 0.0027). */
export const CALIBRATED_THRESHOLD = 0.5;

type WithCalibration = Record<string, unknown> & { calibration?: z.infer<typeof calibrationParams> };

function innerState(state: unknown): { inner: unknown; calibration?: CalibrationState } {
  if (!state || typeof state !== "object" || Array.isArray(state)) return { inner: state };
  const { [CALIBRATION_KEY]: calibration, ...inner } = state as Record<string, unknown>;
  return { inner, calibration: Array.isArray(calibration) ? (calibration as CalibrationState) : undefined };
}

function wrap(detector: Detector, calibrator: ScoreCalibrator): Detector {
  return {
    kind: detector.kind,
    train: detector.train ? (history: Observation[]) => detector.train!(history) : undefined,
    update(obs: Observation): Scored {
      const r = detector.update(obs);
      if (r.skipped) return r;
      return { ...r, score: calibrator.calibrate(r.score) };
    },
    getState() {
      const s = detector.getState();
      return { ...(s as Record<string, unknown>), [CALIBRATION_KEY]: calibrator.getState() };
    },
  };
}

/** The definition with a `calibration` parameter (enabled by default) wrapped around its scores. */
export function withCalibration<P, S>(def: DetectorDefinition<P, S>): DetectorDefinition {
  if (!(def.params instanceof z.ZodObject)) throw new Error(`${def.kind}: calibration needs an object params schema`);
  const params = def.params.extend({
    calibration: calibrationParams.prefault({}).describe("Score calibration against this series' own score history"),
  });
  return {
    ...def,
    defaultThreshold: CALIBRATED_THRESHOLD,
    params,
    create(raw: WithCalibration, state?: unknown) {
      const c = raw.calibration ?? calibrationParams.parse({});
      const { inner, calibration } = innerState(state);
      const detector = def.create(raw as P, inner as S);
      if (!c.enabled) return detector;
      return wrap(detector, new ScoreCalibrator(c, calibration));
    },
  };
}
