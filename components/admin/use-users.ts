"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { RoleName } from "@/lib/auth/permissions";

export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: RoleName;
  disabled: boolean;
  lastLoginAt: string | null;
}

const KEY = ["users"] as const;

export function useUsers() {
  return useQuery({ queryKey: KEY, queryFn: () => apiFetch<{ items: UserRow[] }>("/api/v1/users").then((r) => r.items) });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; name?: string; password: string; role: RoleName }) =>
      apiFetch("/api/v1/users", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEY }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; role?: RoleName; disabled?: boolean }) =>
      apiFetch(`/api/v1/users/${id}`, { method: "PATCH", body: JSON.stringify(patch) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEY }),
  });
}

/** Ends every session of a user: they must sign in again on every device. */
export function useEndSessions() {
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ ended: number }>(`/api/v1/users/${id}/sessions`, { method: "DELETE" }),
  });
}
