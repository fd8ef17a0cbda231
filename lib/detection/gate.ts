/**
 * Incident gate for a single calibrated kind (issue 13). Alone, a statistical kind flickers around
 * its threshold during one incident (above, below, above again) and every return above opens a new
 * event, so one incident pages several times. The gate keeps an incident open from a score at or
 * above `openAbove` until `closeAfter` scored points in a row stay below it. Inside an open incident
 * a point keeps its score only while the opening run lasts (`keep: "run"`, so the event keeps its
 * duration) or only at the opening point (`keep: "point"`), or when it escalates: its decades of
 * rarity reach `escalate` times the incident's peak so far, so a real anomaly right after a false
 * alarm still reports. Every other point inside the incident reports its score times openAbove / 2,
 * below any threshold above that. Outside incidents scores are unchanged.
 *
 * It wraps the calibrated definition (it reads tail probabilities). State: under `gate` in the
 * detector's state. A saved state without it was saved by a detector that ran without the gate (off,
 * or saved before the gate existed): it resumes without the gate, score for score, whatever the
 * default is now (as a saved ML state keeps the shingle mode it was fitted with). A detector created
 * without a state (new, reset or re-scored from scratch) follows its params.
 *
 * Trained (ML) kinds take it as `{ trained: true }`: only a series' single values are gated (a
 * group's steps pass untouched, so an event on one member never hides a new one on another), and a
 * saved model that ran without the gate keeps scoring without it until its next training.
 */
import { z } from "zod";
import { scoreToDecades } from "./common/normal";
import type { Detector, DetectorDefinition, Observation, Scored } from "./types";

const KEY = "gate";

export const gateParams = (enabledByDefault: boolean) =>
  z.object({
    enabled: z.boolean().default(enabledByDefault).describe("Report an incident once instead of each return above openAbove"),
    openAbove: z.number().min(0.01).max(1).default(0.5).describe("Score that opens an incident (the default threshold)"),
    closeAfter: z.number().int().min(1).max(100_000).default(30).describe("Scored points in a row below openAbove that close an incident"),
    escalate: z
      .number()
      .min(1)
      .max(1000)
      .default(2)
      .describe("Inside an incident, a point this many times rarer (in decades) than its peak so far reports anew"),
    keep: z
      .enum(["run", "point"])
      .default("run")
      .describe("run: the opening run of points keeps its scores (the event keeps its duration); point: only the opening point"),
  });
export type GateParams = z.infer<ReturnType<typeof gateParams>>;

export interface GateState {
  /** Incident open. */
  open: boolean;
  /** Scored points in a row below openAbove since the incident's last point at or above it. */
  below: number;
  /** The incident's peak so far, in decades. */
  peak: number;
  /** The current run of points at or above openAbove keeps its scores. */
  inRun: boolean;
}

const closed = (): GateState => ({ open: false, below: 0, peak: 0, inRun: false });

/** The gate as a pure step: the reported score for a calibrated score `s`; `g` is updated in place. */
export function gateScore(p: GateParams, g: GateState, s: number): number {
  const quiet = s * (p.openAbove / 2);
  const d = scoreToDecades(s);
  if (s < p.openAbove) {
    g.inRun = false;
    if (!g.open) return s;
    if (++g.below >= p.closeAfter) Object.assign(g, closed());
    return quiet;
  }
  if (!g.open) {
    Object.assign(g, { open: true, below: 0, peak: d, inRun: true });
    return s;
  }
  g.below = 0;
  const escalated = d >= p.escalate * g.peak;
  g.peak = Math.max(g.peak, d);
  if (escalated) {
    g.inRun = true;
    return s;
  }
  return g.inRun && p.keep === "run" ? s : quiet;
}

function isGateState(x: unknown): x is GateState {
  return !!x && typeof x === "object" && typeof (x as GateState).open === "boolean";
}

export interface GateOptions {
  /** A trained kind: univariate values only, and a saved state without `gate` resumes ungated until the next training. */
  trained?: boolean;
}

/** `g` null: not gating (a state saved before the gate, until the next training). */
function wrap(detector: Detector, p: GateParams, g: GateState | null, trained: boolean): Detector {
  return {
    kind: detector.kind,
    train: detector.train
      ? (history: Observation[]) => {
          detector.train!(history);
          if (trained) g = closed();
        }
      : undefined,
    update(obs: Observation): Scored {
      const r = detector.update(obs);
      if (r.skipped || !g || (trained && obs.values.length !== 1)) return r;
      r.score = gateScore(p, g, r.score);
      return r;
    },
    getState() {
      const s = detector.getState() as Record<string, unknown>;
      return g ? { ...s, [KEY]: { ...g } } : s;
    },
  };
}

/** The (calibrated) definition with a `gate` parameter wrapped around its scores. */
export function withGate(def: DetectorDefinition, enabledByDefault: boolean, options: GateOptions = {}): DetectorDefinition {
  if (!(def.params instanceof z.ZodObject)) throw new Error(`${def.kind}: the gate needs an object params schema`);
  const schema = gateParams(enabledByDefault);
  return {
    ...def,
    // The whole default object (not a prefault of {}), so the form's JSON field shows whether the gate is on.
    params: def.params.extend({ gate: schema.default(() => schema.parse({})).describe("One report per incident") }),
    create(raw: Record<string, unknown>, state?: unknown) {
      const p = (raw.gate as GateParams | undefined) ?? schema.parse({});
      const isObject = !!state && typeof state === "object" && !Array.isArray(state);
      const { [KEY]: saved, ...inner } = (isObject ? state : {}) as Record<string, unknown>;
      const detector = def.create(raw, isObject ? inner : state);
      if (!p.enabled) return detector;
      // A saved state without `gate` ran without it: it resumes so (a trained kind until its next training).
      const ranWithout = isObject && !Object.hasOwn(state as object, KEY);
      if (ranWithout && !options.trained) return detector;
      return wrap(detector, p, isGateState(saved) ? { ...saved } : ranWithout ? null : closed(), !!options.trained);
    },
  };
}
