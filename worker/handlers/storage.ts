/** Storage jobs (rollups, retention). Plain functions: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { refreshRollupsUntilClean } from "@/lib/storage/rollups";
import { applyRetention } from "@/lib/storage/retention";

/** Works through the dirty ranges for up to 20 s; the next run (10 s later) goes on. */
export function handleRollups(_payload: JobPayload<"system.rollups">) {
  return refreshRollupsUntilClean(20_000);
}

export function handleRetention(_payload: JobPayload<"system.retention">) {
  return applyRetention();
}
