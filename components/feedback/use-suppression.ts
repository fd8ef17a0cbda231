"use client";
/** One React Query hook per suppression-rule endpoint (lib/feedback/suppression.ts). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { RuleConditions } from "@/lib/feedback/suppression";
import type { SuppressionRuleItem, TSuppressionRuleChange } from "@/lib/feedback/suppression-schemas";
import type { suggestSuppressionRules, whatIfSuppressionRule } from "@/lib/server/queries/suppression";
import type { Period } from "@/components/feedback/use-feedback";

export type RuleSuggestions = Awaited<ReturnType<typeof suggestSuppressionRules>>;
export type RuleWhatIfAnswer = Awaited<ReturnType<typeof whatIfSuppressionRule>>;

const qs = (o: Record<string, string | number | null | undefined>) =>
  new URLSearchParams(Object.entries(o).flatMap(([k, v]) => (v === undefined || v === null || v === "" ? [] : [[k, String(v)]]))).toString();
const json = (method: string, body?: unknown) => ({ method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

export function useSuppressionRules(detectorId: string) {
  return useQuery({ queryKey: ["suppression", detectorId, "rules"], queryFn: () => apiFetch<{ items: SuppressionRuleItem[] }>(`/api/v1/detectors/${detectorId}/suppression-rules`).then((r) => r.items) });
}

export function useRuleSuggestions(detectorId: string, period: Period) {
  return useQuery({ queryKey: ["suppression", detectorId, "suggestions", period], queryFn: () => apiFetch<RuleSuggestions>(`/api/v1/detectors/${detectorId}/suppression-rules/suggestions?${qs({ ...period })}`) });
}

export function useRuleWhatIf(detectorId: string, period: Period, rule: (RuleConditions & { excludeRuleId?: string }) | null) {
  return useQuery({
    queryKey: ["suppression", detectorId, "what-if", period, rule],
    queryFn: () => apiFetch<RuleWhatIfAnswer>(`/api/v1/detectors/${detectorId}/suppression-rules/what-if?${qs({ ...period, ...rule, weekdays: rule?.weekdays.join(",") })}`),
    enabled: rule !== null,
  });
}

function useRuleMutation<T>(detectorId: string, fn: (arg: T) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ["suppression", detectorId] });
      void qc.invalidateQueries({ queryKey: ["anomalies"] });
    },
  });
}

export function useCreateRule(detectorId: string) {
  return useRuleMutation(detectorId, (body: RuleConditions & { origin: "suggestion" | "manual"; note?: string }) =>
    apiFetch<SuppressionRuleItem>(`/api/v1/detectors/${detectorId}/suppression-rules`, json("POST", body)));
}

export function useChangeRule(detectorId: string) {
  return useRuleMutation(detectorId, ({ id, change }: { id: string; change: TSuppressionRuleChange }) =>
    apiFetch<SuppressionRuleItem>(`/api/v1/detectors/${detectorId}/suppression-rules/${id}`, json("PATCH", change)));
}

export function useDeleteRule(detectorId: string) {
  return useRuleMutation(detectorId, (id: string) => apiFetch<{ deleted: string; released: number }>(`/api/v1/detectors/${detectorId}/suppression-rules/${id}`, json("DELETE")));
}
