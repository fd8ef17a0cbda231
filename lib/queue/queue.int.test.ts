/**
 * Both queue backends carry a job from the web side (the producer) to a real worker process, and
 * the worker shuts down cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { testQueuePrefix } from "@/test/redis-keys";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { enqueue } from "@/lib/queue/enqueue";
import { waitForJob } from "@/lib/queue/wait";
import { REDIS_URL } from "@/test/databases";
import { withTestDatabase } from "@/test/test-database";

const db = withTestDatabase();

function startWorker(env: Record<string, string>): { proc: ChildProcess; output: () => string; ready: Promise<void> } {
  let out = "";
  // Own process group: tsx runs the worker as a child, and a signal must reach both.
  const proc = spawn("node_modules/.bin/tsx", ["worker/index.ts"], { env: { ...process.env, ...env, LOG_LEVEL: "info" }, detached: true });
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes("worker ready")) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    proc.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`worker exited with ${code}: ${out}`));
    });
  });
  return { proc, output: () => out, ready };
}

async function waitForCompletion(backend: QueueBackend, id: string) {
  const done = await waitForJob(backend, "system", id, 15_000);
  if (!done) throw new Error(`job ${id} did not complete`);
  return done.returnvalue;
}

describe.each([
  ["postgres", false],
  ["redis", true],
])("queue backend %s", (kind, useRedis) => {
  let worker: ReturnType<typeof startWorker> | undefined;
  let backend: QueueBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    if (worker && worker.proc.exitCode === null) process.kill(-worker.proc.pid!, "SIGKILL");
  });

  it("carries a ping from producer to the worker process, which then stops cleanly on SIGTERM", async () => {
    const prefix = testQueuePrefix();
    const env: Record<string, string> = { DATABASE_URL: db.url(), VIGIL_QUEUE_PREFIX: prefix };
    if (useRedis) env.REDIS_URL = REDIS_URL;
    else delete process.env.REDIS_URL;
    worker = startWorker(env);
    await worker.ready;
    expect(worker.output()).toContain(`"queue":"${kind}"`);

    backend = createQueueBackend({ redisUrl: useRedis ? REDIS_URL : undefined, databaseUrl: db.url(), prefix }, () => undefined);
    expect(backend.kind).toBe(kind);
    const id = await enqueue(backend, "system.ping", { requestId: "it-1", sentAt: Date.now() });
    const result = (await waitForCompletion(backend, id)) as { pong: boolean; requestId: string; worker: string };
    expect(result).toMatchObject({ pong: true, requestId: "it-1" });
    // tsx runs the worker in a child node process: match the pid the worker logged as ready.
    const pid = result.worker.split(":")[1];
    expect(worker.output()).toMatch(new RegExp(`"pid":${pid},.*"worker ready"`));

    const exited = new Promise<number | null>((resolve) => worker!.proc.once("exit", resolve));
    worker.proc.kill("SIGTERM"); // tsx relays it to the worker and exits with its code
    expect(await exited).toBe(0);
    expect(worker.output()).toContain("worker stopped");
  });

  it("rejects a payload that breaks the contract before it reaches the queue", async () => {
    backend = createQueueBackend({ redisUrl: useRedis ? REDIS_URL : undefined, databaseUrl: db.url(), prefix: testQueuePrefix() }, () => undefined);
    await expect(enqueue(backend, "detect.run", { detectorId: "", shard: 0 })).rejects.toThrow();
  });
});
