/**
 * Pure chart data shaping. Gaps in time become explicit null rows so lines break there instead of
 * drawing across missing data; a missing value is null, never a made-up 0.
 */
import type { GroupPreviewResult, MemberShare, PreviewEvent, PreviewPoint, SeriesBucket } from "@/lib/detectors/schemas";

export interface PreviewRow {
  t: number;
  value: number | null;
  expected: number | null;
  /** [lower, upper] for a range area; null where the detector reported no band. */
  band: [number, number] | null;
  score: number | null;
  /** The value when the point lies in a detected event (drawn as dots), else null. */
  anomaly: number | null;
}

export interface BucketRow {
  t: number;
  avg: number | null;
  range: [number, number] | null;
}

export function medianStep(ts: readonly number[]): number {
  const steps: number[] = [];
  for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) steps.push(ts[i] - ts[i - 1]);
  if (steps.length === 0) return 0;
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
}

/** Inserts `gapRow(t)` midway in every step longer than `factor` times the median step. */
export function withGaps<T extends { t: number }>(rows: readonly T[], gapRow: (t: number) => T, factor = 3): T[] {
  const step = medianStep(rows.map((r) => r.t));
  if (step === 0) return [...rows];
  const out: T[] = [];
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    if (prev && r.t - prev.t > factor * step) out.push(gapRow(prev.t + Math.round((r.t - prev.t) / 2)));
    out.push(r);
  });
  return out;
}

const inEvent = (t: number, events: readonly PreviewEvent[]) => events.some((e) => t >= e.start && t <= e.end);

export function toPreviewRows(points: readonly PreviewPoint[], events: readonly PreviewEvent[]): PreviewRow[] {
  const rows = points.map<PreviewRow>((p) => ({
    t: p.t,
    value: p.value,
    expected: p.expected,
    band: p.lower !== null && p.upper !== null ? [p.lower, p.upper] : null,
    score: p.score,
    anomaly: inEvent(p.t, events) ? p.value : null,
  }));
  return withGaps(rows, (t) => ({ t, value: null, expected: null, band: null, score: null, anomaly: null }));
}

/** Member `i` of a group preview as preview points: its aligned value per step and the group's score (no band: the model expects a vector). */
export function memberPreviewPoints(points: GroupPreviewResult["points"], i: number): PreviewPoint[] {
  return points.map((p) => ({ t: p.t, value: p.values[i], score: p.score, expected: null, lower: null, upper: null }));
}

/** The member with the largest share (null when the model reported no attribution). */
export function topMember(attribution: readonly MemberShare[] | null): number | null {
  if (!attribution?.length) return null;
  let top = 0;
  attribution.forEach((a, i) => (a.share > attribution[top].share ? (top = i) : undefined));
  return top;
}

export function toBucketRows(buckets: readonly SeriesBucket[]): BucketRow[] {
  const rows = buckets.map<BucketRow>((b) => ({ t: b.t, avg: b.avg, range: b.count > 1 ? [b.min, b.max] : null }));
  return withGaps(rows, (t) => ({ t, avg: null, range: null }));
}

/**
 * Shaded x ranges for events, widened by half a median step on each side and to at least
 * `minFraction` of the plotted span, so a one-point event stays visible on a long chart.
 */
export function toEventAreas(events: readonly PreviewEvent[], ts: readonly number[], minFraction = 0.004): { x1: number; x2: number; severity: string }[] {
  const half = medianStep(ts) / 2;
  const minHalf = ts.length > 1 ? ((ts[ts.length - 1] - ts[0]) * minFraction) / 2 : 0;
  return events.map((e) => {
    const mid = (e.start + e.end) / 2;
    const w = Math.max((e.end - e.start) / 2 + half, minHalf);
    return { x1: mid - w, x2: mid + w, severity: e.severity };
  });
}

/** Value-axis domain over values and band, ignoring nulls, padded by 5%. */
export function valueDomain(rows: readonly PreviewRow[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    for (const v of [r.value, r.band?.[0] ?? null, r.band?.[1] ?? null]) {
      if (v === null) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return undefined;
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * At most about `maxRows` rows for drawing: each bucket keeps its lowest and highest value and its
 * highest score (so spikes and dips survive), every anomalous row and every gap row. Short input
 * is returned as is.
 */
export function thinRows(rows: readonly PreviewRow[], maxRows = 1500): PreviewRow[] {
  if (rows.length <= maxRows) return [...rows];
  const size = Math.ceil(rows.length / Math.floor(maxRows / 3));
  const keep = new Set<number>();
  for (let start = 0; start < rows.length; start += size) {
    let lo = -1;
    let hi = -1;
    let top = -1;
    for (let i = start; i < Math.min(start + size, rows.length); i++) {
      const r = rows[i];
      if (r.value === null || r.anomaly !== null) {
        keep.add(i);
        if (r.value === null) continue;
      }
      if (lo < 0 || r.value < rows[lo].value!) lo = i;
      if (hi < 0 || r.value > rows[hi].value!) hi = i;
      if (r.score !== null && (top < 0 || r.score > rows[top].score!)) top = i;
    }
    for (const i of [lo, hi, top]) if (i >= 0) keep.add(i);
  }
  return [...keep].sort((a, b) => a - b).map((i) => rows[i]);
}

export const SEVERITY_COLORS: Record<string, string> = { LOW: "#c9a227", MEDIUM: "#e07b00", HIGH: "#d64545", CRITICAL: "#8b1a1a" };

/**
 * Shaded areas for a series' anomalies over [from, to]: the ones outside are dropped, the rest are
 * clipped to it, widened to at least `minFraction` of it (a one-point anomaly on a year stays
 * visible) and coloured by severity.
 */
export function toAnomalyAreas(
  anomalies: readonly { start: number; end: number; severity: string }[],
  range: { from: number; to: number },
  minFraction = 0.004,
): { x1: number; x2: number; color: string }[] {
  const minHalf = ((range.to - range.from) * minFraction) / 2;
  return anomalies
    .filter((a) => a.end >= range.from && a.start <= range.to)
    .map((a) => {
      const mid = (a.start + a.end) / 2;
      const half = Math.max((a.end - a.start) / 2, minHalf);
      return { x1: Math.max(range.from, mid - half), x2: Math.min(range.to, mid + half), color: SEVERITY_COLORS[a.severity.toUpperCase()] ?? SEVERITY_COLORS.HIGH };
    });
}
