/**
 * The series explorer's contract (isomorphic): the answers of GET /api/v1/series/[id] and
 * /points, the bucket size of the downsampling, and the range arithmetic of the picker and zoom.
 */
import type { SeriesBucket } from "@/lib/detectors/schemas";

export interface SeriesDetail {
  id: string;
  metric: string;
  labels: Record<string, string>;
  unit: string | null;
  source: { id: string; name: string };
  /** Every detector attached to the series, one by one or through a watched source. */
  detectors: { id: string; name: string; algorithm: string }[];
  /** ISO times of the first and last stored point; null while the series has none. */
  first: string | null;
  last: string | null;
}

export interface SeriesBuckets {
  /** The range read, in ms; null when the series has no points and no range was given. */
  from: number | null;
  to: number | null;
  /** Width of one bucket in ms (buckets start at `from`); 0 when nothing was read. */
  bucketMs: number;
  buckets: SeriesBucket[];
}

/** The bucket width that cuts [from, to] into at most `maxPoints` buckets (at least 1 ms). */
export function bucketSize(from: number, to: number, maxPoints: number): number {
  return Math.max(1, Math.ceil((to - from + 1) / maxPoints));
}

export interface TimeRange {
  from: number;
  to: number;
}

const HOUR = 3_600_000;
export const RANGE_PRESETS = [
  { key: "1h", label: "1 h", ms: HOUR },
  { key: "24h", label: "24 h", ms: 24 * HOUR },
  { key: "7d", label: "7 d", ms: 7 * 24 * HOUR },
  { key: "30d", label: "30 d", ms: 30 * 24 * HOUR },
  { key: "all", label: "All", ms: null },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]["key"];

/**
 * A preset's range over a series' extent: the last `ms` up to its newest point (stored data may
 * be old, so "24 h" means the last day of data, not of the clock), never before its first point.
 */
export function presetRange(key: RangePreset, extent: TimeRange): TimeRange {
  const preset = RANGE_PRESETS.find((p) => p.key === key)!;
  if (preset.ms === null) return { ...extent };
  return { from: Math.max(extent.from, extent.to - preset.ms), to: extent.to };
}

/** The preset a range equals, if any (to highlight it in the picker). */
export function matchingPreset(range: TimeRange, extent: TimeRange): RangePreset | null {
  // On a short series several presets cover all of it: that is "all".
  if (range.from === extent.from && range.to === extent.to) return "all";
  return RANGE_PRESETS.find((p) => {
    const r = presetRange(p.key, extent);
    return r.from === range.from && r.to === range.to;
  })?.key ?? null;
}

/** Twice as wide around the same middle, kept inside the extent. */
export function zoomOut(range: TimeRange, extent: TimeRange): TimeRange {
  const half = Math.max(range.to - range.from, 1000);
  return { from: Math.max(extent.from, range.from - half / 2), to: Math.min(extent.to, range.to + half / 2) };
}

/** A dragged selection as a range (either direction); null when it is too narrow to zoom into. */
export function selectionRange(a: number, b: number, minMs = 1000): TimeRange | null {
  const from = Math.min(a, b);
  const to = Math.max(a, b);
  return to - from >= minMs ? { from, to } : null;
}

/** `from`/`to` from the page's URL (ISO times); null unless both parse and from < to. */
export function parseRangeParams(from: string | null | undefined, to: string | null | undefined): TimeRange | null {
  const f = from ? Date.parse(from) : NaN;
  const t = to ? Date.parse(to) : NaN;
  return Number.isFinite(f) && Number.isFinite(t) && f < t ? { from: f, to: t } : null;
}
