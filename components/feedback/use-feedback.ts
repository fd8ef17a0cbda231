"use client";
/** One React Query hook per feedback endpoint (labels, missed spans, evaluation, what-if, apply). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { LabelHistory, Missed, TNewLabel, TNewMissed } from "@/lib/feedback/schemas";
import type { DetectorEvaluation } from "@/lib/server/queries/evaluation";
import type { ThresholdWhatIf } from "@/lib/server/queries/threshold-change";

const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });
const qs = (o: Record<string, string | number | undefined>) => new URLSearchParams(Object.entries(o).flatMap(([k, v]) => (v === undefined || v === "" ? [] : [[k, String(v)]]))).toString();

export function useLabelHistory(anomalyId: string) {
  return useQuery({ queryKey: ["labels", anomalyId], queryFn: () => apiFetch<LabelHistory>(`/api/v1/anomalies/${anomalyId}/labels`) });
}

/** Labels one anomaly, or many in one bulk request; refreshes their labels, history and the queue. */
export function useAddLabels() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, label }: { ids: string[]; label: TNewLabel }) => {
      if (ids.length === 1) await apiFetch<LabelHistory>(`/api/v1/anomalies/${ids[0]}/labels`, post(label));
      else await apiFetch<{ labelled: number }>("/api/v1/labels/bulk", post({ ids, ...label }));
      return ids.length;
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ["labels"] });
      void qc.invalidateQueries({ queryKey: ["anomalies"] });
    },
  });
}

export function useMissed(detectorId: string, seriesId?: string) {
  return useQuery({
    queryKey: ["missed", detectorId, seriesId],
    queryFn: () => apiFetch<{ items: Missed[] }>(`/api/v1/labels/missed?${qs({ detectorId, seriesId })}`).then((r) => r.items),
  });
}

export function useAddMissed() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TNewMissed) => apiFetch<Missed>("/api/v1/labels/missed", post(body)),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ["missed"] });
      void qc.invalidateQueries({ queryKey: ["evaluation"] });
    },
  });
}

export interface Period {
  from?: string;
  to?: string;
}

export function useEvaluation(detectorId: string, period: Period) {
  return useQuery({
    queryKey: ["evaluation", detectorId, period],
    queryFn: () => apiFetch<DetectorEvaluation>(`/api/v1/detectors/${detectorId}/evaluation?${qs({ ...period })}`),
  });
}

export function useWhatIf(detectorId: string, period: Period, threshold: number | null) {
  return useQuery({
    queryKey: ["evaluation", "what-if", detectorId, period, threshold],
    queryFn: () => apiFetch<ThresholdWhatIf>(`/api/v1/detectors/${detectorId}/what-if?${qs({ ...period, threshold: threshold ?? undefined })}`),
    enabled: threshold !== null,
  });
}

export function useApplyThreshold(detectorId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { threshold: number; basis: "suggestion" | "undo" | "manual" }) =>
      apiFetch<{ previous: number; threshold: number; effect: string }>(`/api/v1/detectors/${detectorId}/threshold`, post(body)),
    onSettled: () => void qc.invalidateQueries({ queryKey: ["evaluation"] }),
  });
}
