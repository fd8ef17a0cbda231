"use client";
/** React Query hooks of the admin lists: the audit log and every API key (keyset pages). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { ApiKeyItem, AuditItem, Page } from "@/lib/admin/schemas";

const qs = (o: Record<string, string | null | undefined>) => new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => !!e[1])).toString();

export function useAuditPage(filter: { entity?: string; entityId?: string; userId?: string; cursor?: string | null }) {
  return useQuery({
    queryKey: ["audit", filter],
    queryFn: () => apiFetch<Page<AuditItem>>(`/api/v1/audit?${qs({ ...filter, limit: "50" })}`),
    placeholderData: keepPreviousData,
  });
}

export function useApiKeyPage(filter: { revoked?: string; cursor?: string | null }) {
  return useQuery({
    queryKey: ["api-keys", filter],
    queryFn: () => apiFetch<Page<ApiKeyItem>>(`/api/v1/api-keys?${qs({ ...filter, limit: "50" })}`),
    placeholderData: keepPreviousData,
  });
}

export function useRevokeAnyKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (k: { id: string; sourceId: string }) => apiFetch(`/api/v1/sources/${k.sourceId}/keys/${k.id}`, { method: "DELETE" }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ["api-keys"] }), qc.invalidateQueries({ queryKey: ["audit"] })]),
  });
}
