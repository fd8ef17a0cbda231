/** Pure shaping of the evaluation's answers into chart rows. Unknown metrics stay null (a gap), never 0. */
export interface MetricPoint {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export const curveRows = (curve: readonly (MetricPoint & { threshold: number })[]) =>
  curve.map((p) => ({ t: p.threshold, precision: p.precision, recall: p.recall, f1: p.f1 }));

export const trendRows = (trend: readonly (MetricPoint & { week: string })[]) =>
  trend.map((w) => ({ t: Date.parse(w.week), precision: w.precision, recall: w.recall }));

export const perDayRows = (perDay: readonly { day: string; current: number; proposed: number }[]) =>
  perDay.map((d) => ({ t: Date.parse(d.day), current: d.current, proposed: d.proposed }));

export const percent = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(0)}%`);
