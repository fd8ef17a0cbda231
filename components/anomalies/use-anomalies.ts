"use client";
/** One React Query hook per anomaly endpoint. Lists poll so new and changed anomalies show up without a reload. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import { objectToSearchParams } from "@/lib/anomalies/search-params";
import type {
  AnomalyActivity,
  AnomalyComment,
  AnomalyDetail,
  AnomalyPage,
  AnomalyWindow,
  Assignee,
  BulkResult,
  TAnomalyChange,
} from "@/lib/anomalies/schemas";

export const LIVE_REFRESH_MS = 5_000;

/** The list's query string as the URL carries it: every key may repeat. */
export type AnomalyFilter = Record<string, string | string[] | undefined>;

export function useAnomalyPage(filter: AnomalyFilter, opts: { live?: boolean; enabled?: boolean } = {}) {
  const qs = objectToSearchParams(filter).toString();
  return useQuery({
    queryKey: ["anomalies", "list", filter],
    queryFn: () => apiFetch<AnomalyPage>(`/api/v1/anomalies?${qs}`),
    placeholderData: keepPreviousData,
    refetchInterval: opts.live === false ? false : LIVE_REFRESH_MS,
    enabled: opts.enabled ?? true,
  });
}

export function useAnomaly(id: string) {
  return useQuery({
    queryKey: ["anomalies", "one", id],
    queryFn: () => apiFetch<AnomalyDetail>(`/api/v1/anomalies/${id}`),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useAnomalyWindow(id: string) {
  return useQuery({
    queryKey: ["anomalies", "window", id],
    queryFn: () => apiFetch<AnomalyWindow>(`/api/v1/anomalies/${id}/window`),
    staleTime: 60_000,
  });
}

export function useAnomalyActivity(id: string) {
  return useQuery({
    queryKey: ["anomalies", "activity", id],
    queryFn: () => apiFetch<{ items: AnomalyActivity[]; nextCursor: string | null }>(`/api/v1/anomalies/${id}/activity?limit=200`),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useAnomalyComments(id: string) {
  return useQuery({
    queryKey: ["anomalies", "comments", id],
    queryFn: () => apiFetch<{ items: AnomalyComment[]; nextCursor: string | null }>(`/api/v1/anomalies/${id}/comments?limit=200`),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useAssignees() {
  return useQuery({
    queryKey: ["anomalies", "assignees"],
    queryFn: () => apiFetch<{ items: Assignee[]; nextCursor: string | null }>("/api/v1/anomalies/assignees?limit=200").then((r) => r.items),
    staleTime: 60_000,
  });
}

const send = (method: string, body: unknown) => ({ method, body: JSON.stringify(body) });

/** After any change every anomaly query refetches: lists, the page, its history. */
function useInvalidateAnomalies() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ["anomalies"] });
}

export function useChangeAnomaly(id: string) {
  const invalidate = useInvalidateAnomalies();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: TAnomalyChange) => apiFetch<AnomalyDetail>(`/api/v1/anomalies/${id}`, send("PATCH", change)),
    onSuccess: (a) => {
      client.setQueryData(["anomalies", "one", id], a);
      return invalidate();
    },
  });
}

export function useBulkChange() {
  const invalidate = useInvalidateAnomalies();
  return useMutation({
    mutationFn: (change: TAnomalyChange & { ids: string[] }) => apiFetch<BulkResult>("/api/v1/anomalies/bulk", send("POST", change)),
    onSuccess: () => invalidate(),
  });
}

export function useAddComment(id: string) {
  const invalidate = useInvalidateAnomalies();
  return useMutation({
    mutationFn: (body: string) => apiFetch<AnomalyComment>(`/api/v1/anomalies/${id}/comments`, send("POST", { body })),
    onSuccess: () => invalidate(),
  });
}
