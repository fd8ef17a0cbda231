"use client";
/** React Query hooks of the signed-in user's personal API tokens. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { CreatedToken, TTokenCreate, TokenItem } from "@/lib/tokens/schemas";

export function useMyTokens() {
  return useQuery({ queryKey: ["my-tokens"], queryFn: () => apiFetch<{ items: TokenItem[] }>("/api/v1/me/tokens") });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: TTokenCreate) => apiFetch<CreatedToken>("/api/v1/me/tokens", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["my-tokens"] }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/me/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["my-tokens"] }),
  });
}
