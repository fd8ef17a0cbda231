/**
 * PostgreSQL CPU per point on the detection backlog's point reads, against a scratch database:
 * `readBatch` (the batch and shard path's one statement: each series' next page of points past its
 * watermark) over every series in shard-sized chunks, `readPointsAfter` (runDetection's page read),
 * `countPointsIn` (the count of (watermark, new watermark]) per series, and a page's commit per series
 * as it was (one UPDATE whose condition counts the page: the baseline, inline here) and as it is (`advanceWatermarkIf`, recording the
 * page on the row, then the re-count after the commit that clears it, `requestRedetectForMissed`). The figure is the database backends' own CPU time
 * (utime + stime from /proc of every backend of the scratch database, so it must run on the
 * database's host), per million points read or counted; this process's CPU (decoding) and wall time
 * are printed beside it. Each read is measured beside the text-row form it replaced (packed bytea
 * pages, lib/server/queries/packed-points.ts), kept here as SQL so both run on the same data.
 * Usage: npm run bench:point-reads [-- --series 500 --per-series 4000 --page 1000 --runs 3]
 */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { ADMIN_URL, adminQuery, urlFor } from "../test/databases";
import { migrateDeploy } from "../lib/server/migrate";
import { measureBackendCpu } from "./bench/backend-cpu";

const { values: args } = parseArgs({
  options: {
    series: { type: "string", default: "500" },
    "per-series": { type: "string", default: "4000" },
    page: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
  },
});
const SERIES = Number(args.series);
const PER_SERIES = Number(args["per-series"]);
const PAGE = Number(args.page);
const RUNS = Number(args.runs);
const T0 = Date.parse("2026-01-05T00:00:00Z");
async function main() {
  const name = `vigil_bench_reads_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "warn";
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await migrateDeploy(url);
    const { getPrisma, disconnectPrisma } = await import("../lib/server/db");
    const { closePgPool } = await import("../lib/server/pg-pool");
    const { upsertPoints } = await import("../lib/server/queries/points");
    const { readBatch } = await import("../lib/pipeline/batch-read");
    const { advanceWatermarkIf, countPointsIn, readPointsAfter } = await import("../lib/server/queries/detector-state");
    const { requestRedetectForMissed, verifySet } = await import("../lib/server/queries/verify-pages");
    const { Prisma } = await import("../lib/generated/prisma/client");
    const { getPgPool } = await import("../lib/server/pg-pool");
    const { createPointPartitions } = await import("../lib/storage/partitions");
    const prisma = getPrisma();
    await createPointPartitions(T0, T0 + PER_SERIES * 60_000);
    const source = await prisma.dataSource.create({ data: { name: "reads", kind: "HTTP_PUSH" } });
    const detector = await prisma.detector.create({ data: { name: "reads", algorithm: "zscore" } });
    const ids: string[] = [];
    const ts = Array.from({ length: PER_SERIES }, (_, i) => new Date(T0 + i * 60_000));
    for (let s = 0; s < SERIES; s++) {
      const series = await prisma.series.create({ data: { sourceId: source.id, metric: `m${String(s).padStart(5, "0")}` } });
      ids.push(series.id);
      await upsertPoints(series.id, ts, ts.map((_, i) => Math.sin(i / 40 + s)));
    }
    ids.sort();
    await prisma.detectorSeries.createMany({ data: ids.map((seriesId) => ({ detectorId: detector.id, seriesId })) });
    await prisma.detectorState.createMany({ data: ids.map((subjectId) => ({ detectorId: detector.id, subjectId })) });
    await getPrisma().$executeRawUnsafe(`VACUUM ANALYZE "DataPoint"`);
    console.log(`scratch database ${name}: ${(SERIES * PER_SERIES).toLocaleString("en-US")} points over ${SERIES} series; pages of ${PAGE}`);

    const upTo = ts[Math.min(PAGE, PER_SERIES) - 1];
    const readAll = async () => {
      let n = 0;
      for (let i = 0; i < ids.length; i += 500) for (const r of await readBatch(detector.id, { seriesIds: ids.slice(i, i + 500) }, PAGE)) n += r.ms.length;
      return n;
    };
    // The batch read's statement before packing: two float8 arrays per series, sent as text.
    const readAllAsText = async () => {
      let n = 0;
      for (let i = 0; i < ids.length; i += 500) {
        const { rows } = await getPgPool().query<[string, number[] | null, number[] | null]>({
          text: `SELECT ds."seriesId", p.ms, p.vals
                 FROM (SELECT "detectorId", "seriesId" FROM "DetectorSeries" WHERE "detectorId" = $1 AND "seriesId" = ANY($3::text[])) ds
                 JOIN "Series" sr ON sr.id = ds."seriesId"
                 LEFT JOIN "DetectorState" s ON s."detectorId" = ds."detectorId" AND s."subjectId" = ds."seriesId"
                 CROSS JOIN LATERAL (
                   SELECT array_agg(round(date_part('epoch', q.ts) * 1000) ORDER BY q.ts) AS ms, array_agg(q.value ORDER BY q.ts) AS vals
                   FROM (SELECT ts, value FROM "DataPoint" WHERE "seriesKey" = sr.key AND ts > COALESCE(s.watermark, '-infinity'::timestamptz) ORDER BY ts LIMIT $2) q
                 ) p ORDER BY ds."seriesId"`,
          values: [detector.id, PAGE, ids.slice(i, i + 500)],
          rowMode: "array",
        });
        for (const r of rows) n += r[1]?.length ?? 0;
      }
      return n;
    };
    // runDetection's page read (readStepsAfter of a series), one statement per series page.
    const pageAll = async () => {
      let n = 0;
      for (const id of ids) n += (await readPointsAfter(id, null, PAGE)).points.length;
      return n;
    };
    const pageAllAsText = async () => {
      let n = 0;
      for (const id of ids) {
        const { rows } = await getPgPool().query<[number, number]>({
          text: `SELECT round(date_part('epoch', ts) * 1000), value FROM "DataPoint"
                 WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = $1) AND ts > COALESCE($2::timestamptz, '-infinity'::timestamptz) AND ts <= COALESCE($3::timestamptz, 'infinity'::timestamptz)
                 ORDER BY ts LIMIT $4`,
          values: [id, null, null, PAGE],
          rowMode: "array",
        });
        n += rows.map(([ms, value]) => ({ ts: new Date(ms), value })).length;
      }
      return n;
    };
    const countAll = async () => {
      let n = 0;
      for (const id of ids) n += await countPointsIn(prisma, [id], null, upTo);
      return n;
    };
    const version = new Map(ids.map((id) => [id, 0]));
    const moved = (id: string, ok: boolean) => {
      if (!ok) throw new Error(`the commit of ${id} did not apply`);
      version.set(id, version.get(id)! + 1);
    };
    // The page's commit before the re-count: the count inside the compare-and-set UPDATE.
    const commitCountInside = async () => {
      for (const id of ids) {
        const n = await prisma.$executeRaw`
          UPDATE "DetectorState" SET watermark = ${upTo}, version = version + 1, "redetectUntil" = NULL, "updatedAt" = now()
          WHERE "detectorId" = ${detector.id} AND "subjectId" = ${id} AND version = ${version.get(id)!}
            AND (SELECT count(*) FROM "Series" s JOIN "DataPoint" p ON p."seriesKey" = s.key
                 WHERE s.id = ANY(${[id]}::text[]) AND p.ts > COALESCE(${null}::timestamptz, '-infinity'::timestamptz) AND p.ts <= ${upTo}) = ${PAGE}`;
        moved(id, n === 1);
      }
      return ids.length * PAGE;
    };
    // The page's commit now: the compare-and-set, then the re-count after it.
    const commitThenRecount = async () => {
      for (const id of ids) {
        moved(id, await advanceWatermarkIf(prisma, detector.id, id, { version: version.get(id)! }, upTo, null, { after: null, scored: PAGE, seen: null }));
        const missed = await requestRedetectForMissed(detector.id, [id]);
        if (missed.size > 0) throw new Error("the re-count found a point that is not there");
      }
      return ids.length * PAGE;
    };
    // A batch's commit (batch-commit.ts) of 500 pairs: before, the count inside its transaction; now, after it.
    const moveAll = async (tx: typeof prisma, chunk: string[]) => {
      const n = await tx.$executeRaw`
        UPDATE "DetectorState" s SET watermark = ${upTo}, version = s.version + 1, "updatedAt" = now()
        WHERE s."detectorId" = ${detector.id} AND s."subjectId" = ANY(${chunk}::text[])`;
      for (const id of chunk) moved(id, n === chunk.length);
    };
    // As batch-commit.ts moves them now: each page recorded for the re-count.
    const moveAllRecorded = async (tx: typeof prisma, chunk: string[]) => {
      const verify = verifySet(Prisma.sql`v.after`, Prisma.sql`v.wm`, Prisma.sql`v.scored`, Prisma.sql`v.seen`, Prisma.sql`s`);
      const n = await tx.$executeRaw`
        UPDATE "DetectorState" s SET watermark = v.wm, version = s.version + 1, "updatedAt" = now(), ${verify}
        FROM unnest(${chunk}::text[], ${chunk.map(() => upTo.toISOString())}::timestamptz[], ${chunk.map(() => null)}::timestamptz[], ${chunk.map(() => PAGE)}::int[],
          ${chunk.map(() => null)}::text[]) AS v(s, wm, after, scored, seen)
        WHERE s."detectorId" = ${detector.id} AND s."subjectId" = v.s`;
      for (const id of chunk) moved(id, n === chunk.length);
    };
    const batchCountInside = async () => {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await prisma.$transaction(async (tx) => {
          const counted = await tx.$queryRaw<{ seriesId: string; n: number }[]>`
            SELECT v.s AS "seriesId", sum((SELECT count(*) FROM "DataPoint" p
              WHERE p."seriesKey" = (SELECT key FROM "Series" WHERE id = v.m) AND p.ts > COALESCE(NULLIF(v.after, '')::timestamptz, '-infinity'::timestamptz) AND p.ts <= v.upto::timestamptz))::int AS n
            FROM unnest(${chunk}::text[], ${chunk}::text[], ${chunk.map(() => "")}::text[], ${chunk.map(() => upTo.toISOString())}::text[]) AS v(s, m, after, upto)
            GROUP BY v.s`;
          if (counted.some((c) => c.n !== PAGE)) throw new Error("count mismatch");
          await moveAll(tx as typeof prisma, chunk);
        });
      }
      return ids.length * PAGE;
    };
    const batchThenRecount = async () => {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await prisma.$transaction(async (tx) => void (await moveAllRecorded(tx as typeof prisma, chunk)));
        const missed = await requestRedetectForMissed(detector.id, chunk);
        if (missed.size > 0) throw new Error("the re-count found a point that is not there");
      }
      return ids.length * PAGE;
    };
    const steps = [
      ["batch read, text arrays (before)", readAllAsText],
      ["batch read, packed (readBatch)", readAll],
      ["page read, text rows (before)", pageAllAsText],
      ["page read, packed (readPointsAfter)", pageAll],
      ["countPointsIn (points counted)", countAll],
      ["commit, count inside (before)", commitCountInside],
      ["commit + re-count after (now)", commitThenRecount],
      ["batch, count inside (before)", batchCountInside],
      ["batch + re-count after (now)", batchThenRecount],
      ["commit, count inside (before)", commitCountInside],
      ["commit + re-count after (now)", commitThenRecount],
      ["batch, count inside (before)", batchCountInside],
      ["batch + re-count after (now)", batchThenRecount],
    ] as const;
    for (const [, step] of steps) await step();
    for (const [label, step] of steps) {
      const t0 = performance.now();
      const own0 = process.cpuUsage();
      const { result: points, cpuMs: cpu } = await measureBackendCpu(admin, name, async () => {
        let n = 0;
        for (let r = 0; r < RUNS; r++) n += await step();
        return n;
      });
      const own = process.cpuUsage(own0);
      const wall = performance.now() - t0;
      const perM = (ms: number) => (ms / (points / 1e6)).toFixed(0).padStart(6);
      console.log(`${label.padEnd(38)} ${points.toLocaleString("en-US").padStart(10)} points  backend CPU ${perM(cpu)} ms per million  this process ${perM((own.user + own.system) / 1000)}  wall ${perM(wall)}`);
    }
    console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
    await disconnectPrisma();
    await closePgPool();
  } finally {
    await admin.end().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
