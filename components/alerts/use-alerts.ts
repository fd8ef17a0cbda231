"use client";
/** One React Query hook per alerting endpoint. Lists answer `{ items, nextCursor }`; one channel, rule or silence is answered bare. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { Matcher } from "@/lib/alerting/matchers";
import type { MuteInterval } from "@/lib/alerting/mute";
import type { ChannelKindName } from "@/lib/alerting/schemas";

export interface ChannelRow {
  id: string; name: string; kind: ChannelKindName; enabled: boolean; signed: boolean; config: Record<string, unknown>; rateLimit: { count: number; seconds: number } | null;
}
export interface RuleRow {
  id: string; name: string; enabled: boolean; matchers: Matcher[]; minSeverity: string; direction: string; minDeviation: number | null; deviationUnit: string;
  minDurationSeconds: number; cooldownMinutes: number; notifyResolved: boolean; includeHistorical: boolean; muteTimings: MuteInterval[]; muteTimeZone: string;
  escalateAfterMinutes: number | null; escalationChannel: { id: string; name: string } | null;
  groupWaitSeconds: number | null; groupBy: string[]; groupIntervalMinutes: number;
  channel: { id: string; name: string; kind: string }; detector: { id: string; name: string } | null; source: { id: string; name: string } | null;
}
export interface SilenceRow { id: string; matchers: Matcher[]; reason: string | null; startsAt: string; endsAt: string; state: "active" | "pending" | "ended"; suppressed: number; createdBy: { email: string } }
export interface DeliveryRow {
  id: string; key: string; kind: "FIRING" | "RESOLVED" | "ESCALATED"; status: "PENDING" | "SENDING" | "SENT" | "FAILED" | "SUPPRESSED"; reason: string | null; attempts: number;
  responseCode: number | null; response: string | null; latencyMs: number | null; lastError: string | null; sentAt: string | null; createdAt: string; updatedAt: string;
  batchKey: string | null; rateLimitedUntil: string | null; nextAttemptAt: string | null; anomalyId: string; rule: { id: string; name: string } | null; channel: { id: string; name: string; kind: string }; silence: { id: string; reason: string | null; endsAt: string } | null;
}
export interface TestOutcome { ok: boolean; retryable: boolean; status: number | null; response: string | null; error: string | null; latencyMs: number }

const list = <T,>(url: string) => apiFetch<{ items: T[] }>(url).then((r) => r.items);

export const useChannels = () => useQuery({ queryKey: ["alerts", "channels"], queryFn: () => list<ChannelRow>("/api/v1/channels") });
export const useRules = () => useQuery({ queryKey: ["alerts", "rules"], queryFn: () => list<RuleRow>("/api/v1/alert-rules") });
export const useSilences = (state: "active" | "all") => useQuery({ queryKey: ["alerts", "silences", { state }], queryFn: () => list<SilenceRow>(`/api/v1/silences?state=${state}`) });
export const useRecentDeliveries = () =>
  useQuery({ queryKey: ["alerts", "deliveries"], queryFn: () => list<DeliveryRow>("/api/v1/deliveries?limit=50"), refetchInterval: 5_000 });

export const useChannelDeliveries = (channelId: string | null) =>
  useQuery({
    queryKey: ["alerts", "channels", channelId, "deliveries"],
    queryFn: () => list<DeliveryRow>(`/api/v1/channels/${channelId}/deliveries?limit=50`),
    enabled: !!channelId,
    refetchInterval: 5_000,
  });

export function useAnomalyAlerting(anomalyId: string) {
  return useQuery({
    queryKey: ["anomalies", anomalyId, "deliveries"],
    queryFn: () => apiFetch<{ items: DeliveryRow[]; notApplied: { rule: { id: string; name: string }; reason: string }[]; silenceMatchers: Matcher[] }>(`/api/v1/anomalies/${anomalyId}/deliveries`),
    refetchInterval: 5_000,
  });
}

function useWrite<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ["alerts"] }) });
}
const post = <O,>(url: string, body?: unknown, method = "POST") => apiFetch<O>(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

export const useCreateChannel = () => useWrite((input: { kind: ChannelKindName; name: string; config: Record<string, unknown>; rateLimit: ChannelRow["rateLimit"] }) => post<ChannelRow & { secret: string | null }>("/api/v1/channels", input));
export const useUpdateChannel = () =>
  useWrite(({ id, ...patch }: { id: string; name?: string; enabled?: boolean; config?: Record<string, unknown>; rateLimit?: ChannelRow["rateLimit"] }) => post<ChannelRow>(`/api/v1/channels/${id}`, patch, "PATCH"));
export const useDeleteChannel = () => useWrite((id: string) => post(`/api/v1/channels/${id}`, undefined, "DELETE"));
export const useRotateSecret = () => useWrite((id: string) => post<{ secret: string }>(`/api/v1/channels/${id}/rotate-secret`));
export const useTestChannel = () => useMutation({ mutationFn: (id: string) => post<TestOutcome>(`/api/v1/channels/${id}/test`) });
export const useCreateRule = () => useWrite((input: Record<string, unknown>) => post<RuleRow>("/api/v1/alert-rules", input));
export const useUpdateRule = () => useWrite(({ id, ...patch }: { id: string } & Record<string, unknown>) => post<RuleRow>(`/api/v1/alert-rules/${id}`, patch, "PATCH"));
export const useDeleteRule = () => useWrite((id: string) => post(`/api/v1/alert-rules/${id}`, undefined, "DELETE"));
export const useExpireSilence = () => useWrite((id: string) => post<SilenceRow>(`/api/v1/silences/${id}/expire`));

export function useCreateSilence(anomalyId?: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { matchers: Matcher[]; durationMinutes: number; reason?: string }) => post<SilenceRow>("/api/v1/silences", input),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["alerts"] });
      if (anomalyId) void qc.invalidateQueries({ queryKey: ["anomalies", anomalyId, "deliveries"] });
    },
  });
}
