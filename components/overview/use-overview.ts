"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { Overview } from "@/lib/overview/schemas";

export const OVERVIEW_REFRESH_MS = 10_000;

/** The overview, polled; starts from the server-rendered answer. */
export function useOverview(initial: Overview, hours = 48) {
  return useQuery({
    queryKey: ["overview", { hours }],
    queryFn: () => apiFetch<Overview>(`/api/v1/overview?hours=${hours}`),
    initialData: initial,
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
}
