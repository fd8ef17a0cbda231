import { probationaryLength } from "../../lib/detection/nab";
import type { Scored } from "../../lib/detection/types";
import type { BenchDetector } from "./detectors";

export interface LabelledSeries {
  timestamps: number[];
  values: number[];
}

/** One series scored the way NAB allows: train only on the probationary rows, then score in order. */
export function scoreSeries(detector: BenchDetector, series: LabelledSeries): Scored[] {
  const instance = detector.create();
  const rows = series.values.length;
  const probation = Math.ceil(probationaryLength(rows));
  const observations = series.timestamps.map((t, i) => ({ t, values: [series.values[i]] }));
  const scored: Scored[] = [];
  let from = 0;
  if (detector.needsTraining) {
    instance.train?.(observations.slice(0, probation));
    from = probation;
    for (let i = 0; i < from; i++) scored.push({ t: observations[i].t, score: 0, raw: 0, skipped: "warmup" });
  }
  for (let i = from; i < rows; i++) scored.push(instance.update(observations[i]));
  return scored;
}

