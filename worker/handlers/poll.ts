/** Poll jobs. Plain functions: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { pollSource } from "@/lib/connectors/poll";

export function handlePollSource(payload: JobPayload<"poll.source">) {
  return pollSource(payload.sourceId);
}
