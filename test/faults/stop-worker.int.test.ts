/**
 * The worker started as every deployment starts it (package.json start:worker) and sent SIGTERM
 * while a job is in hand, to its own process only, as Kubernetes, Docker and compose do: it
 * finishes the job and exits 0, also when the signal comes while it is still starting (its workers
 * take jobs before start-up ends). (A job that outlasts VIGIL_SHUTDOWN_TIMEOUT_MS is left to its
 * lock: worker/shutdown.int.test.ts.)
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testQueuePrefix } from "@/test/redis-keys";
import { REDIS_URL } from "@/test/databases";
import { withTestDatabase } from "@/test/test-database";
import { startTestServer } from "@/lib/connectors/test-server";
import { createSource } from "@/lib/server/queries/sources";
import { getPrisma } from "@/lib/server/db";
import { flushPrefix, startWorker, waitFor, type WorkerProcess } from "@/test/faults/harness";

const db = withTestDatabase();
const prefix = testQueuePrefix();
const workers: WorkerProcess[] = [];

/** An HTTP endpoint a poll job waits on until the test lets it answer. */
let requests = 0;
let answer: () => void = () => undefined;
let answered = Promise.resolve();
let peer: Awaited<ReturnType<typeof startTestServer>>;
function holdAnswers() {
  answered = new Promise<void>((resolve) => (answer = resolve));
}

beforeAll(async () => {
  holdAnswers();
  peer = await startTestServer(async () => {
    requests++;
    await answered;
    return { body: JSON.stringify([{ t: "2026-01-01T00:00:00Z", v: 42 }]) };
  });
});
afterAll(async () => {
  answer();
  for (const w of workers) await w.kill("SIGKILL");
  await peer?.close();
  await flushPrefix(prefix);
});

async function pollSourceWithHeldAnswer(name: string) {
  // A long interval: the only poll is the one the scheduler runs at once.
  return createSource({ name, kind: "HTTP_POLL", config: { url: `${peer.url}/${name}`, format: "json", mapping: { timestamp: "t", value: "v", metric: "held" }, interval: 3600 } }, null);
}

const storedValues = async (sourceId: string) => (await getPrisma().dataPoint.findMany({ where: { series: { sourceId } }, select: { value: true } })).map((p) => p.value);

function start(env: Record<string, string> = {}): WorkerProcess {
  const w = startWorker({ DATABASE_URL: db.url(), REDIS_URL, VIGIL_QUEUE_PREFIX: prefix, VIGIL_WORKER_METRICS_PORT: "", ...env });
  workers.push(w);
  return w;
}

describe("worker SIGTERM while a job runs", () => {
  it("finishes the job in hand, then exits 0", async () => {
    holdAnswers();
    requests = 0;
    const s = await pollSourceWithHeldAnswer("finish");
    const w = start();
    await w.ready;
    await waitFor("the poll job in hand", async () => requests >= 1, 60_000, 50);

    w.proc.kill("SIGTERM");
    await waitFor("the worker finishing its jobs", async () => w.output().includes("worker stopping"), 10_000, 50);
    expect(w.proc.exitCode).toBeNull();
    expect(w.proc.signalCode).toBeNull();
    answer();

    expect(await w.exited, w.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(await storedValues(s.id)).toEqual([42]);
    expect(await getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id }, select: { status: true, lastError: true } })).toEqual({ status: "ACTIVE", lastError: null });
    expect(w.output()).toContain("worker stopped");
    expect(w.output()).not.toContain("jobs still running at the shutdown timeout");
  }, 120_000);

  it("handles a SIGTERM that comes during start-up, with a job already in hand", async () => {
    holdAnswers();
    requests = 0;
    const s = await pollSourceWithHeldAnswer("starting");
    // Start-up stalls at resuming history imports (after the workers and the poll schedules).
    const lock = new pg.Client({ connectionString: db.url() });
    await lock.connect();
    try {
      await lock.query(`BEGIN; LOCK TABLE "SourceImport" IN ACCESS EXCLUSIVE MODE`);
      const w = start();
      await waitFor("the poll job in hand", async () => requests >= 1, 60_000, 50);
      expect(w.output()).not.toContain("worker ready");

      w.proc.kill("SIGTERM");
      await waitFor("the worker taking the signal", async () => w.output().includes("worker stopping") || w.proc.signalCode !== null, 10_000, 50);
      expect(w.proc.signalCode).toBeNull();
      await lock.query("COMMIT");
      await waitFor("the ordered shutdown", async () => w.output().includes("finishing jobs in hand"), 30_000, 50);
      expect(w.proc.exitCode).toBeNull();
      answer();

      expect(await w.exited, w.output().slice(-3000)).toEqual({ code: 0, signal: null });
      expect(await storedValues(s.id)).toEqual([42]);
      expect(w.output()).toContain("worker stopped");
    } finally {
      await lock.end();
    }
  }, 120_000);
});
