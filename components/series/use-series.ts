"use client";
/** React Query hooks of the series explorer: downsampled points over a range, and the anomalies on it. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { AnomalyItem, AnomalyPage } from "@/lib/anomalies/schemas";
import type { SeriesBuckets, TimeRange } from "@/lib/series/schemas";

const iso = (t: number) => new Date(t).toISOString();

/** `range` null: the whole series. */
export function useSeriesBuckets(seriesId: string, range: TimeRange | null, maxPoints = 1000) {
  const qs = new URLSearchParams({ maxPoints: String(maxPoints), ...(range ? { from: iso(range.from), to: iso(range.to) } : {}) });
  return useQuery({
    queryKey: ["series", "points", { seriesId, from: range?.from ?? null, to: range?.to ?? null, maxPoints }],
    queryFn: () => apiFetch<SeriesBuckets>(`/api/v1/series/${seriesId}/points?${qs}`),
    placeholderData: keepPreviousData,
  });
}

/** Pages of 200 drawn at most: a chart with more than 1,000 shaded spans would say nothing more. */
const MAX_PAGES = 5;

/**
 * The anomalies of every detector (or of one) overlapping the range, newest first, through the
 * anomaly list endpoint; `truncated` when there were more than the chart draws.
 */
export function useSeriesAnomalies(seriesId: string, range: TimeRange | null, detectorId?: string) {
  return useQuery({
    queryKey: ["anomalies", "series", { seriesId, detectorId: detectorId ?? null, from: range?.from ?? null, to: range?.to ?? null }],
    queryFn: async () => {
      const items: AnomalyItem[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const qs = new URLSearchParams({ seriesId, limit: "200", ...(detectorId ? { detectorId } : {}), ...(range ? { from: iso(range.from), to: iso(range.to) } : {}), ...(cursor ? { cursor } : {}) });
        const res: AnomalyPage = await apiFetch<AnomalyPage>(`/api/v1/anomalies?${qs}`);
        items.push(...res.items);
        cursor = res.nextCursor;
        if (!cursor) break;
      }
      return { items, truncated: cursor !== null };
    },
    placeholderData: keepPreviousData,
  });
}
