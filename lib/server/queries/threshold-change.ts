/**
 * A proposed threshold's what-if over a period (both sides re-scored from the same history), and
 * applying it: the detector update path (its `effect` is `redetect`: the model and its state are
 * kept, incidents are re-derived with their identity and labels) plus an audit row that makes it
 * undoable.
 */
import { eventsAt } from "@/lib/feedback/curve";
import { compareThresholds } from "@/lib/feedback/what-if";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { loadDetectorForFeedback, loadSubjectTruth, resolvePeriod, scoreHistory } from "@/lib/server/queries/evaluation";
import { updateDetector } from "@/lib/server/queries/detectors";

export async function whatIfThreshold(id: string, q: { threshold: number; from?: string; to?: string }) {
  const d = await loadDetectorForFeedback(id);
  const period = await resolvePeriod(id, q);
  const subjects = await loadSubjectTruth(d, period);
  const truth = subjects.truth;
  const { series, seriesTotal } = await scoreHistory(d, subjects, period);
  const range = { start: period.from, end: period.to };
  const w = compareThresholds(
    { current: { threshold: d.threshold, events: eventsAt(series, d.threshold, range) }, proposed: { threshold: q.threshold, events: eventsAt(series, q.threshold, range) } },
    truth,
    range,
  );
  return {
    ...w,
    perDay: w.perDay.map((r) => ({ ...r, day: new Date(r.day).toISOString() })),
    period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() },
    rescored: { series: series.length, seriesTotal, unit: subjects.grouping ? ("groups" as const) : ("series" as const) },
  };
}
export type ThresholdWhatIf = Awaited<ReturnType<typeof whatIfThreshold>>;

export type ThresholdBasis = "suggestion" | "undo" | "manual";

export async function applyThreshold(id: string, threshold: number, basis: ThresholdBasis, userId: string) {
  const d = await loadDetectorForFeedback(id);
  if (d.threshold === threshold) throw new AppError("unprocessable", `threshold: is already ${threshold}`, [{ path: "threshold", message: "is the current threshold" }]);
  const result = await updateDetector(id, { threshold }, userId);
  await writeAudit({ userId, action: "threshold.apply", entity: "detector", entityId: id, details: { from: d.threshold, to: threshold, basis, effect: result.effect } });
  return { previous: d.threshold, threshold, effect: result.effect };
}
