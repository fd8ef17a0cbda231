/** Storage jobs (rollups, retention). Plain functions: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { refreshRollupsUntilClean } from "@/lib/storage/rollups";
import { applyRetention } from "@/lib/storage/retention";
import { ensurePointPartitions } from "@/lib/storage/partitions";
import { pruneMessageTimes } from "@/lib/connectors/message-times";

/** Works through the ranges dirty when it starts, for up to 20 s; the next run (10 s later) goes on. */
export function handleRollups(_payload: JobPayload<"system.rollups">) {
  return refreshRollupsUntilClean(20_000, { follow: false });
}

/**
 * Point partitions for the months ahead (and for points waiting in the default one), old points,
 * and the AMQP message-id times past any redelivery (lib/connectors/message-times.ts).
 */
export async function handleRetention(_payload: JobPayload<"system.retention">) {
  const partitions = await ensurePointPartitions();
  const result = await applyRetention();
  return { ...result, ...partitions, messageTimes: await pruneMessageTimes() };
}
