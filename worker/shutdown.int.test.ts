/**
 * A stopping worker holding a job that does not end: BullMQ's close() waits for it, so the
 * shutdown gives up after its timeout, force-closes, and the job is left to its lock (another
 * worker takes it once the lock expires). A job that ends in time is simply finished.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import type { Job } from "bullmq";
import { withTestDatabase } from "@/test/test-database";
import { REDIS_URL } from "@/test/databases";
import { waitFor } from "@/test/wait-for";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { settleWithin } from "@/worker/shutdown";

const db = withTestDatabase();
let backend: QueueBackend;
let release: () => void = () => undefined;

beforeAll(() => {
  backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix: `t${randomBytes(4).toString("hex")}` }, () => undefined);
});
afterAll(async () => {
  release();
  await backend.queue("system").obliterate({ force: true });
  await backend.close();
});

describe("bounded worker shutdown", () => {
  it("finishes a job that ends in time", async () => {
    const worker = backend.worker("system", async () => new Promise((r) => setTimeout(r, 200)));
    await worker.waitUntilReady();
    await backend.queue("system").add("system.ping", {});
    await waitFor("the job to start", async () => (await backend.queue("system").getActiveCount()) === 1, 10_000);
    expect(await settleWithin(worker.close(), 5_000)).toBe("closed");
    expect(await backend.queue("system").getJobCounts("completed", "active")).toMatchObject({ completed: 1, active: 0 });
  });

  it("gives up on a job that does not end within the timeout and leaves it to its lock", async () => {
    let started: Job | undefined;
    const worker = backend.worker("system", async (job) => {
      started = job;
      await new Promise<void>((r) => (release = r));
    });
    await worker.waitUntilReady();
    await backend.queue("system").add("system.ping", {});
    await waitFor("the job to start", async () => started, 10_000);
    const t0 = Date.now();
    const closing = worker.close();
    expect(await settleWithin(closing, 500)).toBe("timed-out");
    expect(Date.now() - t0).toBeLessThan(2_000);
    // BullMQ's own close is still waiting on the job (a forced close now would return the same promise).
    expect(worker.closing).toBeTruthy();
    expect(await Promise.race([worker.close(true).then(() => "closed"), new Promise((r) => setTimeout(() => r("still waiting"), 500))])).toBe("still waiting");
    expect(await backend.queue("system").getActiveCount()).toBe(1);
    release();
    await closing;
  });
});
