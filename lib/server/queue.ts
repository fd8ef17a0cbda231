/** The web process's queue producer, following the same backend selection as the worker. */
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { prepareDatabase } from "@/lib/server/database";

const globalForQueue = globalThis as unknown as { vigilQueue?: Promise<QueueBackend> };

export function getQueueBackend(): Promise<QueueBackend> {
  globalForQueue.vigilQueue ??= (async () => {
    const db = await prepareDatabase();
    const env = getEnv();
    return createQueueBackend({ redisUrl: env.REDIS_URL, databaseUrl: db.url, prefix: env.VIGIL_QUEUE_PREFIX }, (err) =>
      logger.warn({ err: err.message }, "queue connection error"),
    );
  })();
  return globalForQueue.vigilQueue;
}
