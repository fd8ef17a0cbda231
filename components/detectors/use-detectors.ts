"use client";
/** One React Query hook per detector/series endpoint. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import { objectToSearchParams } from "@/lib/anomalies/search-params";
import type { SeriesListPage } from "@/lib/sources/series-query";
import type { AlgorithmInfo, GroupPreviewResult, PreviewResult, TBackfill, TCreateDetector, TPreview, TUpdateDetector } from "@/lib/detectors/schemas";

export interface SeriesRow {
  id: string;
  metric: string;
  labels: Record<string, string>;
  source: { id: string; name: string };
}

export interface DetectorJson {
  id: string;
  name: string;
  algorithm: string;
  params: Record<string, unknown>;
  /** lib/detectors/grouping.ts; null: each series alone. */
  grouping: unknown;
  threshold: number;
  mode: "STREAMING" | "BATCH";
  trainingWindowHours: number | null;
  enabled: boolean;
  /** Cron pattern (UTC) on which the detector is retrained; null: on demand only. */
  retrainCron: string | null;
  /** Series attached one by one (outside the watched sources). */
  series: { series: SeriesRow }[];
  /** Sources watched whole: all their series, present and future, are attached. */
  sources: { source: { id: string; name: string } }[];
  /** All attached series, through sources included. */
  _count: { series: number };
}

export interface WatchableSource {
  id: string;
  name: string;
  kind: string;
  _count: { series: number };
}

/** The sources a detector can watch whole. */
export function useWatchableSources() {
  return useQuery({
    queryKey: ["sources", "list"],
    queryFn: () => apiFetch<{ items: WatchableSource[] }>("/api/v1/sources").then((r) => r.items),
  });
}

const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

export function useAlgorithms() {
  return useQuery({
    queryKey: ["detector-algorithms"],
    queryFn: () => apiFetch<{ items: AlgorithmInfo[] }>("/api/v1/detectors/algorithms").then((r) => r.items),
    staleTime: Infinity,
  });
}

/**
 * One keyset page of GET /api/v1/series; `count` adds the total of what matches, `sourceId` limits it
 * to those sources (`enabled: false`: not asked).
 */
export function useSeriesList(filter: { q?: string; cursor?: string; limit?: number; count?: boolean; sourceId?: string[] }, enabled = true) {
  const params = objectToSearchParams({ q: filter.q, cursor: filter.cursor, limit: filter.limit, count: filter.count ? "true" : undefined });
  for (const id of filter.sourceId ?? []) params.append("sourceId", id);
  return useQuery({
    enabled,
    queryKey: ["series", filter],
    queryFn: () => apiFetch<SeriesListPage>(`/api/v1/series?${params}`),
    placeholderData: keepPreviousData,
  });
}

export function useCreateDetector() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Partial<TCreateDetector>) => apiFetch<DetectorJson>("/api/v1/detectors", post(input)),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["detectors"] }),
  });
}

export function useUpdateDetector(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: TUpdateDetector) =>
      apiFetch<DetectorJson & { restartsCheckpoint: boolean; effect: "reset" | "redetect" | "none" }>(`/api/v1/detectors/${id}`, { method: "PATCH", body: JSON.stringify(patch) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["detectors"] }),
  });
}

export function useDeleteDetector(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<null>(`/api/v1/detectors/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["detectors"] }),
  });
}

export function usePreview() {
  return useMutation({ mutationFn: (input: Partial<TPreview>) => apiFetch<PreviewResult | GroupPreviewResult>("/api/v1/detectors/preview", post(input)) });
}

export function useBackfill(id: string) {
  return useMutation({ mutationFn: (input: TBackfill) => apiFetch<{ jobs: number }>(`/api/v1/detectors/${id}/backfill`, post(input)) });
}

export function useTrain(id: string) {
  return useMutation({ mutationFn: () => apiFetch<{ jobs: number }>(`/api/v1/detectors/${id}/train`, post({})) });
}
