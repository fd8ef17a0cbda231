"use client";
/** History imports of a Prometheus source: the list (refreshed while one runs) and starting one. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";

export interface ImportRow {
  id: string;
  fromTs: string;
  toTs: string;
  cursorTs: string;
  status: "RUNNING" | "DONE" | "FAILED";
  points: number;
  error: string | null;
  createdAt: string;
}

const importsKey = (sourceId: string) => ["sources", sourceId, "imports"] as const;

/** Done share of an import's range, 0..1. */
export function importProgress(r: Pick<ImportRow, "fromTs" | "toTs" | "cursorTs" | "status">): number {
  if (r.status === "DONE") return 1;
  const from = Date.parse(r.fromTs);
  const span = Date.parse(r.toTs) - from;
  return span > 0 ? Math.min(1, Math.max(0, (Date.parse(r.cursorTs) - from) / span)) : 0;
}

export function useImports(sourceId: string) {
  return useQuery({
    queryKey: importsKey(sourceId),
    queryFn: () => apiFetch<{ items: ImportRow[] }>(`/api/v1/sources/${sourceId}/imports`).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "RUNNING") ? 2_000 : false),
  });
}

export function useStartImport(sourceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (range: { from: string; to: string }) =>
      apiFetch<ImportRow>(`/api/v1/sources/${sourceId}/imports`, { method: "POST", body: JSON.stringify(range) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: importsKey(sourceId) }),
  });
}
