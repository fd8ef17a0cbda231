"use client";
/** React Query hooks for the supervised assist (lib/feedback/assist.ts). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { AssistAnswer, TAssistSwitch } from "@/lib/feedback/assist-schemas";

export function useAssist(detectorId: string) {
  return useQuery({ queryKey: ["suppression", detectorId, "assist"], queryFn: () => apiFetch<AssistAnswer>(`/api/v1/detectors/${detectorId}/assist`) });
}

export function useSwitchAssist(detectorId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TAssistSwitch) => apiFetch<{ enabled: boolean; released: number }>(`/api/v1/detectors/${detectorId}/assist`, { method: "POST", body: JSON.stringify(body) }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ["suppression", detectorId] });
      void qc.invalidateQueries({ queryKey: ["anomalies"] });
    },
  });
}
