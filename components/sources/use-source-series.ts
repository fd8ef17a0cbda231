"use client";
import { useEffect, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { SourceSeriesPage } from "@/lib/sources/series-query";

export interface SourceSeriesParams {
  q: string;
  cursor: string | null;
  limit: number;
}

/** Under ["sources", …] so whatever refreshes a source (an upload, an edit) refreshes its series too. */
export const sourceSeriesKey = (sourceId: string, params: SourceSeriesParams) => ["sources", sourceId, "series", params] as const;

/** One page of a source's series; `initial` is the server-rendered first page (no filter, no cursor). */
export function useSourceSeries(sourceId: string, params: SourceSeriesParams, initial?: SourceSeriesPage) {
  const first = !params.q && !params.cursor;
  return useQuery({
    queryKey: sourceSeriesKey(sourceId, params),
    queryFn: ({ signal }) => {
      // The table shows the source's total on every page: asked for with count=true.
      const qs = new URLSearchParams({ limit: String(params.limit), count: "true" });
      if (params.q) qs.set("q", params.q);
      if (params.cursor) qs.set("cursor", params.cursor);
      return apiFetch<SourceSeriesPage>(`/api/v1/sources/${sourceId}/series?${qs}`, { signal });
    },
    initialData: first ? initial : undefined,
    placeholderData: keepPreviousData,
  });
}

/** `value` once it has stopped changing for `ms`: a search box asks the server once per pause. */
export function useDebouncedValue<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
