/**
 * Ingest throughput against a scratch database on the local PostgreSQL:
 *  (a) plain COPY of N points into "DataPoint" (the ceiling), and
 *  (b) the push API: POST /api/v1/ingest route handler called in-process with NextRequests
 *      (auth, body read, parse, validation, one-transaction write), batches of B points,
 *      sequentially and with C requests in flight.
 * With --expose-gc (the npm script passes it) it also prints the live heap after GC before and after
 * the API runs: what the write path keeps alive between requests.
 * Usage: npm run bench:ingest [-- --series 1000 --per-series 1000 --batch 5000 --concurrency 8]
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { NextRequest } from "next/server";
import { ADMIN_URL, adminQuery, urlFor } from "../test/databases";
import { migrateDeploy } from "../lib/server/migrate";

const { values: args } = parseArgs({
  options: {
    series: { type: "string", default: "1000" },
    "per-series": { type: "string", default: "1000" },
    batch: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "8" },
  },
});
const SERIES = Number(args.series);
const PER_SERIES = Number(args["per-series"]);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const N = SERIES * PER_SERIES;
const T0 = Date.parse("2024-01-01T00:00:00Z");
const valueOf = (s: number, i: number) => Math.round(Math.sin(i / 50 + s) * 1000) / 10;

const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;

/** Live heap (plus array buffers, which live outside it) after full collections, or null without --expose-gc. */
async function liveBytes(): Promise<number | null> {
  if (!gc) return null;
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const rate = (points: number, ms: number) => Math.round(points / (ms / 1000));
const fmt = (n: number) => n.toLocaleString("en-US");

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The COPY text is built before timing, so the figure is the server's, not the generator's. */
async function benchCopy(client: pg.Client, seriesKeys: number[]): Promise<number> {
  function* rows() {
    let buf = "";
    for (let s = 0; s < SERIES; s++) {
      for (let i = 0; i < PER_SERIES; i++) {
        buf += `${seriesKeys[s]}\t${new Date(T0 + i * 60_000).toISOString()}\t${valueOf(s, i)}\n`;
        if (buf.length > 1 << 16) {
          yield buf;
          buf = "";
        }
      }
    }
    if (buf) yield buf;
  }
  const chunks = [...rows()];
  return timeIt(async () => {
    await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY "DataPoint" ("seriesKey", ts, value) FROM STDIN`)));
  });
}

/** Request bodies in the `{series, points}` JSON shape, B points each, built before timing. */
function buildBodies(): string[] {
  const perRequestSeries = Math.max(1, Math.floor(BATCH / PER_SERIES));
  const chunk = Math.min(PER_SERIES, BATCH);
  const bodies: string[] = [];
  let objects: unknown[] = [];
  let count = 0;
  for (let s = 0; s < SERIES; s++) {
    for (let i = 0; i < PER_SERIES; i += chunk) {
      const points = [];
      for (let j = i; j < Math.min(i + chunk, PER_SERIES); j++) points.push([(T0 + j * 60_000) / 1000, valueOf(s, j)]);
      objects.push({ series: `bench.metric_${s}`, labels: { host: `h${s % 10}` }, points });
      count += points.length;
      if (count >= BATCH || objects.length >= perRequestSeries) {
        bodies.push(JSON.stringify(objects));
        objects = [];
        count = 0;
      }
    }
  }
  if (objects.length) bodies.push(JSON.stringify(objects));
  return bodies;
}

async function main() {
  const name = `vigil_bench_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "warn";
  const client = new pg.Client({ connectionString: url });
  try {
    console.log(`scratch database ${name} on ${new URL(ADMIN_URL).host}; migrating...`);
    await migrateDeploy(url);
    await client.connect();
    // The points' month partitions, as an install has them for current data (the job creates months ahead).
    const { createPointPartitions } = await import("../lib/storage/partitions");
    await createPointPartitions(T0, T0 + PER_SERIES * 60_000);

    const { POST } = await import("../app/api/v1/ingest/route");
    const { createSource } = await import("../lib/server/queries/sources");
    const { createSourceKey } = await import("../lib/server/queries/api-keys");
    const { disconnectPrisma } = await import("../lib/server/db");

    const source = await createSource({ name: "bench", kind: "HTTP_PUSH", config: {} }, null);
    const { key } = await createSourceKey(source.id, "bench", null);
    const bodies = buildBodies();
    console.log(`${fmt(N)} points over ${fmt(SERIES)} series; API: ${bodies.length} requests of ~${fmt(BATCH)} points`);

    const post = async (body: string) => {
      const res = await POST(
        new NextRequest("http://localhost/api/v1/ingest", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body }),
      );
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    };
    const reset = () => client.query(`TRUNCATE "DataPoint"`).then(() => client.query("VACUUM ANALYZE \"DataPoint\""));

    // Warm-up request (on its own series, so the counts below hold): loads the modules and the
    // pools, which would otherwise show up as retained memory.
    await post(JSON.stringify({ series: "bench.warmup", points: [[T0 / 1000, 0]] }));
    const heapBefore = await liveBytes();

    // Sequential API run first: it also creates the series the COPY run needs.
    const apiSeqMs = await timeIt(async () => {
      for (const b of bodies) await post(b);
    });
    const { rows } = await client.query<{ key: number; metric: string }>(`SELECT key, metric FROM "Series" WHERE "sourceId" = $1`, [source.id]);
    const keys = new Map(rows.map((r) => [r.metric, r.key]));
    const seriesKeys = Array.from({ length: SERIES }, (_, s) => keys.get(`bench.metric_${s}`)!);
    const stored = Number((await client.query(`SELECT count(*) FROM "DataPoint" WHERE "seriesKey" = ANY($1)`, [seriesKeys])).rows[0].count);
    if (stored !== N) throw new Error(`expected ${N} stored points, found ${stored}`);

    await reset();
    const apiParMs = await timeIt(async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < bodies.length) await post(bodies[next++]);
        }),
      );
    });

    // Same points again onto a full table: the idempotent re-send path (every row conflicts).
    const apiResendMs = await timeIt(async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < bodies.length) await post(bodies[next++]);
        }),
      );
    });

    const heapAfter = await liveBytes();

    await reset();
    const copyMs = await benchCopy(client, seriesKeys);

    const table = [
      ["COPY (one stream)", copyMs],
      ["API, sequential", apiSeqMs],
      [`API, ${CONCURRENCY} in flight`, apiParMs],
      [`API re-send (all conflicts), ${CONCURRENCY} in flight`, apiResendMs],
    ] as const;
    console.log("");
    for (const [label, ms] of table) {
      console.log(`${label.padEnd(46)} ${(ms / 1000).toFixed(2).padStart(7)} s ${fmt(rate(N, ms)).padStart(12)} points/s  COPY/this ${(ms / copyMs).toFixed(2)}x`);
    }
    if (heapBefore === null || heapAfter === null) console.log("\nlive heap: run with --expose-gc (npm run bench:ingest passes it)");
    else {
      const delta = heapAfter - heapBefore;
      console.log(`\nlive heap after GC: ${(heapBefore / MB).toFixed(1)} MB before the API runs, ${(heapAfter / MB).toFixed(1)} MB after (${delta >= 0 ? "+" : ""}${(delta / MB).toFixed(1)} MB)`);
    }
    await disconnectPrisma();
  } finally {
    await client.end().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
