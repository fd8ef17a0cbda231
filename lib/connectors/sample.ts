/** The preview a source test answers with: a few points per series, and the total. */
import type { SeriesPoints } from "@/lib/ingest/batch";

export const SAMPLE_POINTS_PER_SERIES = 20;
export const SAMPLE_MAX_SERIES = 20;

export interface SourceSample {
  series: { metric: string; labels: Record<string, string>; points: [string, number][] }[];
  totalPoints: number;
}

/** The latest points of each series (up to 20), in time order. */
export function sampleOf(series: Iterable<SeriesPoints>): SourceSample {
  const all = [...series];
  return {
    series: all.slice(0, SAMPLE_MAX_SERIES).map((s) => {
      const idx = s.ms.map((_, i) => i).sort((a, b) => s.ms[a] - s.ms[b]);
      return {
        metric: s.metric,
        labels: s.labels,
        points: idx.slice(-SAMPLE_POINTS_PER_SERIES).map((i) => [new Date(s.ms[i]).toISOString(), s.values[i]] as [string, number]),
      };
    }),
    totalPoints: all.reduce((n, s) => n + s.ms.length, 0),
  };
}
