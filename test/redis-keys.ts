/**
 * Queue prefixes for tests, and their removal: every prefix made by `testQueuePrefix()` carries
 * the run id and is deleted after its file (test/integration-setup.ts) and, for files that died,
 * after the run (global teardown). Only our own keys: the shared Redis has other users.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { REDIS_URL, RUN_ID } from "@/test/databases";

const made = new Set<string>();

/** A queue prefix unique to this file of this run (`t<run><random>`), removed after the file. */
export function testQueuePrefix(): string {
  const prefix = `t${RUN_ID}${randomBytes(3).toString("hex")}`;
  made.add(prefix);
  return prefix;
}

/** Deletes the keys under `pattern` (a SCAN MATCH pattern); returns how many. */
export async function deleteKeys(pattern: string, url = REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Deletes only this prefix's keys. */
export function flushPrefix(prefix: string): Promise<number> {
  return deleteKeys(`${prefix}:*`);
}

export async function flushTestPrefixes(): Promise<void> {
  for (const prefix of made) await flushPrefix(prefix);
  made.clear();
}

/** Everything this run's tests put in Redis, whichever file made it. */
export function flushRun(): Promise<number> {
  return deleteKeys(`t${RUN_ID}*`);
}
