"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { TSourceKind } from "@/lib/ingest/source-config";
import { uploadCsv, type UploadResult } from "@/components/sources/upload-csv";

export interface SourceRow {
  id: string;
  name: string;
  kind: TSourceKind;
  config: Record<string, unknown>;
  status: "ACTIVE" | "PAUSED" | "ERROR";
  /** Points older than this many days are deleted; null keeps them. */
  retentionDays: number | null;
}

export interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface SampleSeries {
  metric: string;
  labels: Record<string, string>;
  points: [string, number][];
}

export type TestResult =
  | { ok: true; sample: { series: SampleSeries[]; totalPoints: number } | null; message?: string }
  | { ok: false; error: string };

const keysKey = (sourceId: string) => ["sources", sourceId, "keys"] as const;

export function useCreateSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; kind: TSourceKind; config: Record<string, unknown>; retentionDays: number | string | null }) =>
      apiFetch<SourceRow>("/api/v1/sources", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources"] }),
  });
}

export function useUpdateSource(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: { name?: string; status?: "ACTIVE" | "PAUSED"; config?: Record<string, unknown>; retentionDays?: number | string | null }) =>
      apiFetch<SourceRow>(`/api/v1/sources/${id}`, { method: "PATCH", body: JSON.stringify(patch) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources"] }),
  });
}

export function useDeleteSource(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/v1/sources/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources"] }),
  });
}

/** Tests an unsaved config (`sourceId` absent) or a saved source. */
export function useTestSource(sourceId?: string) {
  return useMutation({
    mutationFn: (input: { kind: TSourceKind; config: Record<string, unknown>; sourceId?: string } | undefined) =>
      apiFetch<TestResult>(sourceId ? `/api/v1/sources/${sourceId}/test` : "/api/v1/sources/test", {
        method: "POST",
        body: JSON.stringify(input ?? {}),
      }),
  });
}

export function useSourceKeys(sourceId: string) {
  return useQuery({
    queryKey: keysKey(sourceId),
    queryFn: () => apiFetch<{ items: KeyRow[] }>(`/api/v1/sources/${sourceId}/keys`).then((r) => r.items),
  });
}

export function useCreateKey(sourceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      apiFetch<KeyRow & { key: string }>(`/api/v1/sources/${sourceId}/keys`, { method: "POST", body: JSON.stringify({ name }) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keysKey(sourceId) }),
  });
}

export function useRevokeKey(sourceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => apiFetch(`/api/v1/sources/${sourceId}/keys/${keyId}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keysKey(sourceId) }),
  });
}

export function useUploadCsv(sourceId: string, onProgress: (fraction: number) => void) {
  const qc = useQueryClient();
  return useMutation<UploadResult, Error, File>({
    mutationFn: (file) => uploadCsv(`/api/v1/sources/${sourceId}/upload`, file, onProgress),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources"] }),
  });
}
