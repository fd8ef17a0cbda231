/**
 * Ensemble of any registered detectors. Each member's score can first be normalized by its own
 * recent score distribution (percentile rank), so a member that is always nervous does not
 * dominate; members are combined by weighted mean or max. Optionally the combined score goes
 * through the anomaly-likelihood post-processor and repeated alerts are suppressed.
 *
 * Members are created by the factory the registry hands in (`ensembleDefinition(createDetector)`),
 * so any kind, including ML ones and other ensembles, can take part without this module importing
 * the registry. Expected value and band come from the first member that reports them.
 */
import { z } from "zod";
import { AnomalyLikelihood, likelihoodParams, surprise, type LikelihoodState } from "../common/anomaly-likelihood";
import { calibrationParams, ScoreCalibrator, type CalibrationState } from "../common/calibration";
import { checkObservation, skippedResult } from "../common/input-guard";
import { SortedWindow } from "../common/sorted-window";
import type { Detector, DetectorDefinition, Observation, Scored } from "../types";

const memberSchema = z.object({
  kind: z.string().min(1).describe("Detector kind of this member"),
  params: z.record(z.string(), z.unknown()).default({}).describe("Parameters of the member"),
  weight: z.number().min(0).default(1).describe("Weight in the combination"),
  direct: z
    .boolean()
    .default(false)
    .describe("Join the combination after the likelihood (for a member whose score is a tail probability already)"),
});

export const ensembleParams = z.object({
  members: z
    .array(memberSchema)
    .min(1)
    .default([{ kind: "robust-zscore", params: {}, weight: 1, direct: false }])
    .describe("Detectors whose scores are combined"),
  combine: z.enum(["mean", "max"]).default("max").describe("How member scores are combined (weighted)"),
  normalize: z
    .enum(["none", "rank"])
    .default("none")
    .describe("none: use member scores as they are; rank: percentile of each score among the member's recent scores"),
  rankWindow: z.number().int().min(10).max(100_000).default(1000).describe("Recent scores a rank is taken among"),
  likelihood: likelihoodParams
    .extend({
      enabled: z.boolean().default(false).describe("Report the anomaly likelihood of the combined score"),
      input: z
        .enum(["score", "surprise"])
        .default("surprise")
        .describe("score: the combined score; surprise: the decades of rarity it stands for (unbounded, capped at 50)"),
      pointWeight: z
        .number()
        .min(0)
        .max(1)
        .default(0)
        .describe(
          "Also let the combined score of the point itself, calibrated on this series' own history and times this weight," +
            " join after the likelihood (0: off), so one extreme point is not averaged away by the short window",
        ),
    })
    .prefault({})
    .describe("Anomaly-likelihood post-processing"),
  suppressPoints: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("After a score at or above suppressAbove, damp the next this many points (one alert per incident)"),
  suppressAbove: z.number().min(0).max(1).default(0.5).describe("Score that starts a suppression period"),
  suppressExtend: z
    .boolean()
    .default(false)
    .describe("A score at or above suppressAbove during suppression restarts the period (the incident is still going on)"),
  incidentScores: z
    .boolean()
    .default(false)
    .describe(
      "Only the point that opens an incident (a score at or above suppressAbove outside suppression) keeps its score;" +
        " every other point reports it times suppressAbove/2, so any threshold above suppressAbove/2 and up to suppressAbove flags the same points",
    ),
});
export type EnsembleParams = z.infer<typeof ensembleParams>;

export interface EnsembleState {
  lastT: number | null;
  members: unknown[];
  ranks: number[][] | null;
  likelihood: LikelihoodState | null;
  /** The point path's calibration window (`likelihood.pointWeight` > 0). */
  point?: CalibrationState;
  suppressLeft: number;
}

/** Creates a member detector of any registered kind (the registry's `createDetector`). */
export type CreateMember = (kind: string, params: unknown, state?: unknown) => Detector;

export const ensembleDefinition = (createDetector: CreateMember): DetectorDefinition<EnsembleParams, EnsembleState> => ({
  kind: "ensemble",
  label: "Ensemble",
  description: "Combines several detectors' normalized scores, optionally as an anomaly likelihood.",
  input: "both",
  needsTraining: false,
  params: ensembleParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = ensembleParams.parse(params);
    let lastT = state?.lastT ?? null;
    const members: Detector[] = p.members.map((m, i) => createDetector(m.kind, m.params, state?.members[i]));
    const ranks = p.normalize === "rank" ? p.members.map((_, i) => new SortedWindow(p.rankWindow, state?.ranks?.[i])) : null;
    const likelihood = p.likelihood.enabled ? new AnomalyLikelihood(p.likelihood, state?.likelihood ?? undefined) : null;
    const point = likelihood && p.likelihood.pointWeight > 0 ? new ScoreCalibrator(calibrationParams.parse({}), state?.point) : null;
    let suppressLeft = state?.suppressLeft ?? 0;
    const names = p.members.map((m, i) =>
      p.members.filter((o) => o.kind === m.kind).length > 1 ? `${m.kind}#${i}` : m.kind,
    );
    // Drivers past the members are side scores: member i's is names.length + i, named "kind (side)" when it drives.
    const sideNames: string[] = [];
    const sideDriver = (i: number) => names.length + i;
    const driverName = (d: number) => (d < names.length ? names[d] : sideNames[d - names.length]);

    const detector: Detector<EnsembleState> = {
      kind: "ensemble",
      train(history) {
        for (const m of members) m.train?.(history);
        for (const obs of history) if (!checkObservation(obs, lastT, 0)) lastT = obs.t;
      },
      update(obs: Observation): Scored {
        const reason = checkObservation(obs, lastT, 0);
        if (reason) return skippedResult(obs.t, reason);
        let combined = 0;
        let direct = 0;
        let weights = 0;
        let driver = -1;
        let driverScore = -1;
        let directDriver = -1;
        let explain: Scored | null = null;
        let invalid = false;
        const attributions: (Scored["attribution"] | undefined)[] = [];
        for (let i = 0; i < members.length; i++) {
          const r = members[i].update(obs);
          if (r.skipped) {
            if (r.skipped === "invalid") invalid = true;
            continue;
          }
          attributions[i] = r.attribution;
          // A side score (one model, two views): a direct member of its own after the likelihood, else one more score.
          if (r.side) {
            sideNames[i] = `${names[i]} (${r.side.name})`;
            const side = p.members[i].weight * r.side.score;
            if (likelihood) {
              if (side > direct) directDriver = sideDriver(i);
              direct = Math.max(direct, side);
            } else {
              if (side > driverScore) {
                driver = sideDriver(i);
                driverScore = side;
              }
              combined = p.combine === "max" ? Math.max(combined, side) : combined + side;
              weights += p.members[i].weight;
            }
          }
          let s = r.score;
          if (ranks) {
            const w = ranks[i];
            const rank = w.rank(s);
            w.push(s);
            s = rank;
          }
          const weight = p.members[i].weight;
          if (likelihood && p.members[i].direct) {
            if (weight * s > direct) directDriver = i;
            direct = Math.max(direct, weight * s);
            continue;
          }
          if (weight * s > driverScore) {
            driver = i;
            driverScore = weight * s;
          }
          combined = p.combine === "max" ? Math.max(combined, weight * s) : combined + weight * s;
          weights += weight;
          if (!explain && r.expected !== undefined) explain = r;
        }
        if (invalid && weights === 0) return skippedResult(obs.t, "invalid");
        lastT = obs.t;
        if (weights === 0) return skippedResult(obs.t, "warmup");
        const raw = p.combine === "max" ? combined : combined / weights;
        let score = Math.min(1, raw);
        if (likelihood) {
          const l = likelihood.update(p.likelihood.input === "surprise" ? surprise(score) : score);
          const pointScore = point ? p.likelihood.pointWeight * point.calibrate(score) : 0;
          if (l.learning) return skippedResult(obs.t, "warmup");
          if (directDriver >= 0 && direct > Math.max(l.logScore, pointScore)) driver = directDriver;
          score = Math.max(l.logScore, pointScore, Math.min(1, direct));
        }
        // Incident scores: every point but an incident's first reports below suppressAbove / 2.
        const quiet = p.incidentScores ? p.suppressAbove / 2 : 0.5;
        if (suppressLeft > 0) {
          suppressLeft = p.suppressExtend && score >= p.suppressAbove ? p.suppressPoints : suppressLeft - 1;
          score *= quiet;
        } else if (p.suppressPoints > 0 && score >= p.suppressAbove) {
          suppressLeft = p.suppressPoints;
        } else if (p.incidentScores && score < p.suppressAbove) {
          score *= quiet;
        }
        const out: Scored = { t: obs.t, score, raw };
        if (driver >= 0) out.driver = driverName(driver);
        // Multivariate input: the attribution of the member that drove the score.
        const member = driver % names.length;
        if (driver >= 0 && attributions[member]) out.attribution = attributions[member];
        if (explain) {
          out.expected = explain.expected;
          out.lower = explain.lower;
          out.upper = explain.upper;
        }
        return out;
      },
      getState: () => ({
        lastT,
        members: members.map((m) => m.getState()),
        ranks: ranks ? ranks.map((w) => w.toArray()) : null,
        likelihood: likelihood ? likelihood.getState() : null,
        ...(point ? { point: point.getState() } : {}),
        suppressLeft,
      }),
    };
    return detector;
  },
});
