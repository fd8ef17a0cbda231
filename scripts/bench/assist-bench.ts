/**
 * The supervised assist on the feedback bench (scripts/bench-feedback.ts): one classifier for all
 * files (a detector watching every series), trained on the first halves' events labelled by NAB's
 * windows (true when an event overlaps one, else false), measured on the second halves: events
 * kept, window precision and recall, next to the detector alone. Also what the detector page would
 * show before it is turned on: the time-ordered held-out effect on the first halves' labels.
 */
import { previewEventsAt } from "../../lib/detectors/preview";
import { assistEffect, assistFilters, assistNotReady, trainAssist, type IncidentShape, type LabelledIncident } from "../../lib/feedback/assist";
import { overlaps, type Span } from "../../lib/feedback/evaluate";
import type { ScoredSeries } from "../../lib/feedback/curve";

export interface AssistFile {
  series: ScoredSeries;
  windows: Span[];
  first: Span;
  second: Span;
}

/** Each event at `threshold` in `period` with what an incident row would hold. */
function shapes(f: AssistFile, threshold: number, period: Span): (IncidentShape & { hit: boolean })[] {
  const { points, scored, unscored } = f.series.preview;
  const at = new Map(scored.map((s, i) => [s.t, { s, value: points[i + unscored].value }]));
  return previewEventsAt(f.series.preview, threshold)
    .filter((e) => overlaps(e, period))
    .map((e) => {
      const peak = at.get(e.peakT);
      return {
        start: e.start, end: e.end, peakScore: e.peakScore, pointCount: e.pointCount,
        actual: peak?.value ?? null, expected: peak?.s.expected ?? null, lower: peak?.s.lower ?? null, upper: peak?.s.upper ?? null,
        hit: f.windows.some((w) => overlaps(w, e)),
      };
    });
}

export function benchAssist(files: AssistFile[], threshold: number) {
  const labelled: LabelledIncident[] = files.flatMap((f) => shapes(f, threshold, f.first).map(({ hit, ...s }) => ({ ...s, verdict: hit ? ("tp" as const) : ("fp" as const) })));
  const notReady = assistNotReady(labelled);
  if (notReady) return { notReady, labelled: labelled.length };
  const model = trainAssist(labelled);
  const count = (keep: (s: IncidentShape) => boolean) => {
    let events = 0, hits = 0, windows = 0, recalled = 0;
    for (const f of files) {
      const ev = shapes(f, threshold, f.second).filter(keep);
      events += ev.length;
      hits += ev.filter((e) => e.hit).length;
      const inPeriod = f.windows.filter((w) => overlaps(w, f.second));
      windows += inPeriod.length;
      recalled += inPeriod.filter((w) => ev.some((e) => overlaps(w, e))).length;
    }
    return { events, hits, windows, recalled };
  };
  return {
    notReady: null,
    labelled: labelled.length,
    cutoff: model.cutoff,
    heldOutOnFirstHalves: assistEffect(labelled).sentence,
    before: count(() => true),
    after: count((s) => !assistFilters(model, s)),
  };
}
