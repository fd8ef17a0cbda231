"use client";
/** React Query hooks of service accounts and of every API token (admins). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { ServiceAccount, TServiceAccountCreate, TServiceAccountUpdate } from "@/lib/service-accounts/schemas";
import type { CreatedToken, TTokenCreate, TokenItem } from "@/lib/tokens/schemas";

const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

export function useServiceAccounts() {
  return useQuery({ queryKey: ["service-accounts"], queryFn: () => apiFetch<{ items: ServiceAccount[] }>("/api/v1/service-accounts") });
}

export function useAllTokens() {
  return useQuery({ queryKey: ["tokens", "all"], queryFn: () => apiFetch<{ items: TokenItem[] }>("/api/v1/tokens") });
}

export function useServiceAccountTokens(id: string) {
  return useQuery({ queryKey: ["tokens", { serviceAccount: id }], queryFn: () => apiFetch<{ items: TokenItem[] }>(`/api/v1/service-accounts/${encodeURIComponent(id)}/tokens`) });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: ["service-accounts"] }), qc.invalidateQueries({ queryKey: ["tokens"] }), qc.invalidateQueries({ queryKey: ["audit"] })]);
}

export function useCreateServiceAccount() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input: TServiceAccountCreate) => apiFetch<ServiceAccount>("/api/v1/service-accounts", post(input)),
    onSuccess: refresh,
  });
}

export function useUpdateServiceAccount() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, ...input }: TServiceAccountUpdate & { id: string }) =>
      apiFetch<ServiceAccount>(`/api/v1/service-accounts/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify(input) }),
    onSuccess: refresh,
  });
}

export function useIssueServiceToken(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input: TTokenCreate) => apiFetch<CreatedToken>(`/api/v1/service-accounts/${encodeURIComponent(id)}/tokens`, post(input)),
    onSuccess: refresh,
  });
}

/** Revokes any token (DELETE /api/v1/tokens/{id}). */
export function useRevokeAnyToken() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => apiFetch(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }), onSuccess: refresh });
}
