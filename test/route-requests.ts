/**
 * For integration tests that call route handlers directly: requests, the `params` context, and a
 * private queue prefix on the real Redis (set before the routes read the env, removed afterwards).
 * The session itself is mocked in the test file (vi.mock is hoisted per file), naming the session
 * row `withSignedInUser` creates:
 *   vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll } from "vitest";
import type { QueueName } from "@/lib/queue/contract";
import { getPrisma } from "@/lib/server/db";
import { getQueueBackend } from "@/lib/server/queue";
import { REDIS_URL } from "@/test/databases";
import { testQueuePrefix } from "@/test/redis-keys";

export const routeContext = (id = "") => ({ params: Promise.resolve({ id }) });

export const jsonRequest = (method: string, url: string, body?: unknown) =>
  new NextRequest(url, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });

/** A user (ADMIN unless told) and a live session row `s-<id>` for the mocked session to name. */
export function withSignedInUser(userId = "admin", role: "ADMIN" | "ANALYST" | "OPERATOR" = "ADMIN") {
  beforeAll(async () => {
    await getPrisma().user.create({ data: { id: userId, email: `${userId}@example.com`, passwordHash: "-", role } });
    await getPrisma().userSession.create({ data: { id: `s-${userId}`, userId, expiresAt: new Date(Date.now() + 3600_000) } });
  });
}

/**
 * Routes under test enqueue on a private Redis prefix; the user `userId` (the mocked session's)
 * exists for audit rows. Call at the top of the file, after `withTestDatabase()`.
 */
export function withRouteQueues(queues: QueueName[], userId = "admin") {
  const saved = { REDIS_URL: process.env.REDIS_URL, VIGIL_QUEUE_PREFIX: process.env.VIGIL_QUEUE_PREFIX };
  process.env.REDIS_URL = REDIS_URL;
  process.env.VIGIL_QUEUE_PREFIX = testQueuePrefix();
  withSignedInUser(userId);
  afterAll(async () => {
    const backend = await getQueueBackend();
    for (const q of queues) await backend.queue(q).obliterate({ force: true });
    await backend.close();
    Object.assign(process.env, saved);
  });
}
