/** Poll jobs. Plain functions: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { pollSource } from "@/lib/connectors/poll";
import { runImport } from "@/lib/connectors/prometheus-import";
import { queueImport } from "@/lib/server/queries/source-imports";
import { getPrisma } from "@/lib/server/db";
import { handlerQueueBackend } from "@/worker/handlers/context";

export function handlePollSource(payload: JobPayload<"poll.source">) {
  return pollSource(payload.sourceId);
}

/** One bounded run of a history import; an unfinished one queues its continuation from the cursor. */
export async function handleImport(payload: JobPayload<"poll.import">) {
  const result = await runImport(payload.importId);
  if (result.status === "RUNNING") {
    const row = await getPrisma().sourceImport.findUnique({ where: { id: payload.importId }, select: { cursorTs: true } });
    if (row) await queueImport(handlerQueueBackend(), payload.importId, row.cursorTs);
  }
  return result;
}
