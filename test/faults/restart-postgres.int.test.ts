/**
 * PostgreSQL stops and starts again while a pusher is ingesting. The shared server cannot be
 * stopped safely, so this runs against a private embedded cluster on its own port. The pusher
 * re-sends a failed batch as-is until it is accepted (as a real client would); every accepted
 * point is stored exactly once and the anomalies equal an undisturbed run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testQueuePrefix } from "@/test/redis-keys";
import { POST } from "@/app/api/v1/ingest/route";
import { resetEnvForTests } from "@/lib/env";
import { disconnectPrisma } from "@/lib/server/db";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/server/embedded-postgres";
import { migrateDeploy } from "@/lib/server/migrate";
import { createSourceKey } from "@/lib/server/queries/api-keys";
import { REDIS_URL } from "@/test/databases";
import {
  STEP_MS, T0, createFaultPairs, faultSeries, flushPrefix, pointCounts, referenceAnomalies, startWorker, storedAnomalies, waitFor, watermarks,
  type WorkerProcess,
} from "@/test/faults/harness";

const prefix = testQueuePrefix();
const dataDir = mkdtempSync(path.join(tmpdir(), "vigil-pg-fault-"));
let port = 0;
let pgServer: EmbeddedDatabase | undefined;
let worker: WorkerProcess | undefined;
const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, VIGIL_QUEUE_PREFIX: process.env.VIGIL_QUEUE_PREFIX };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

const startPg = () => startEmbeddedPostgres({ dataDir, port });

beforeAll(async () => {
  port = await freePort();
  pgServer = await startPg();
  await migrateDeploy(pgServer.url);
  Object.assign(process.env, { DATABASE_URL: pgServer.url, REDIS_URL, VIGIL_QUEUE_PREFIX: prefix });
  resetEnvForTests();
  await disconnectPrisma();
}, 120_000);

afterAll(async () => {
  await worker?.kill("SIGKILL");
  await disconnectPrisma();
  await pgServer?.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
  await flushPrefix(prefix);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const SERIES = 3;
const N = 3_000;
const BATCH = 100;

describe("PostgreSQL restarted during ingest", () => {
  it("stores every accepted point once and scores it as an undisturbed run would", async () => {
    const url = pgServer!.url;
    const { sourceId, pairs } = await createFaultPairs(SERIES, prefix);
    const { key } = await createSourceKey(sourceId, "pusher", null);
    const values = pairs.map((_, s) => faultSeries(N, s));

    worker = startWorker({ DATABASE_URL: url, REDIS_URL, VIGIL_QUEUE_PREFIX: prefix, VIGIL_RECONCILE_EVERY_MS: "2000" });
    await worker.ready;

    let accepted = 0;
    let refusedWhileDown: number | undefined;
    const push = (body: string) =>
      POST(new NextRequest("http://localhost/api/v1/ingest", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body }));
    for (let from = 0; from < N; from += BATCH) {
      const body = JSON.stringify(
        values.map((v, s) => ({ series: `f${s}`, points: v.slice(from, from + BATCH).map((x, i) => [new Date(T0 + (from + i) * STEP_MS).toISOString(), x]) })),
      );
      if (from === N / 3) {
        // Down for certain while a batch arrives (not "probably, given the timing"): it is refused
        // with a retryable answer, then the server comes back and the client's retry succeeds.
        await pgServer!.stop();
        refusedWhileDown = (await push(body)).status;
        pgServer = await startPg();
      }
      for (;;) {
        const res = await push(body).catch(() => null);
        if (res?.ok) {
          accepted += ((await res.json()) as { accepted: number }).accepted;
          break;
        }
        // Connections broken by the restart are replaced on the next try.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(refusedWhileDown).toBe(503);
    expect(accepted).toBe(SERIES * N);

    const last = T0 + (N - 1) * STEP_MS;
    await waitFor("detection to catch up", async () => (await watermarks(url, pairs)).every((w) => w === last), 60_000, 250);
    expect(await pointCounts(url, pairs.map((p) => p.seriesId))).toEqual(pairs.map(() => ({ total: N, distinct: N })));
    for (const [s, p] of pairs.entries()) expect(await storedAnomalies(url, p.seriesId)).toEqual(referenceAnomalies(values[s]));
    await worker.kill("SIGTERM");
  }, 150_000);
});
