/**
 * Storage over a scratch database: 10-second points from 2025-01-01 over `--series` series
 * (3,153,600 points, a year on one series, by default; `--points 50457600 --series 16` is 50M points,
 * a year on each), in month partitions, plus two 60-day series for retention.
 *  - bytes per point of DataPoint (table, index) and of the rollups;
 *  - the series explorer (readSeriesBuckets, what GET /api/v1/series/[id]/points runs) for 1 day,
 *    30 days and the year, before rollups (the points-only statement it ran until now, the
 *    baseline) and after, in the same run on the same data;
 *  - deriving the rollups (the rollup job until nothing is dirty);
 *  - retention: 30 days of points deleted by the batched job, next to one plain DELETE of the same
 *    number of rows on an identical series (the baseline); then the first month of every series
 *    dropped as a partition by the same job (a retention of 365 days a year later).
 * Usage: npm run bench:storage [-- --points 3153600 --series 1 --runs 15 --keep]
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { ADMIN_URL, adminQuery, urlFor } from "../test/databases";
import { migrateDeploy } from "../lib/server/migrate";
import { measureBackendCpu } from "./bench/backend-cpu";
import { printTable } from "./bench/table";
import { benchSeriesId as sid } from "./bench/series-id";
import { median, p95, sample, timed } from "./bench/timing";

const { values: args } = parseArgs({
  options: { points: { type: "string", default: "3153600" }, series: { type: "string", default: "1" }, runs: { type: "string", default: "15" }, keep: { type: "boolean", default: false } },
});
const N = Number(args.points);
const RUNS = Number(args.runs);
const SERIES = Number(args.series);
const PER_SERIES = Math.ceil(N / SERIES);
const YEAR_START = Date.UTC(2025, 0, 1);
const STEP_MS = 10_000;
const DAY = 86_400_000;

const ms = (x: number) => `${x.toFixed(0)} ms`;

async function fillSeries(client: pg.Client, id: string, sourceId: string, n: number, start: number) {
  await client.query(`INSERT INTO "Series" (id, "sourceId", metric, labels, "labelsKey") VALUES ($1, $2, 'cpu', $3::jsonb, $4)`, [id, sourceId, JSON.stringify({ host: id }), JSON.stringify({ host: id })]);
  // In chunks of a million: one statement per chunk, as a bulk load would be.
  for (let g = 0; g < n; g += 1_000_000) {
    await client.query(
      `INSERT INTO "DataPoint" ("seriesKey", ts, value)
       SELECT (SELECT key FROM "Series" WHERE id = $1), to_timestamp($2::float8 / 1000) + g * interval '10 seconds', 50 + 20 * sin(g / 1371.0) + random()
       FROM generate_series($3::int, $4::int - 1) g`,
      [id, start, g, Math.min(n, g + 1_000_000)],
    );
  }
}

async function sizes(client: pg.Client) {
  const { rows } = await client.query<{ rel: string; table: string; index: string; rows: string }>(
    `SELECT r.rel, sum(pg_table_size(t.relid)) AS table, sum(pg_indexes_size(t.relid)) AS index, (SELECT count(*) FROM "DataPoint") AS rows
     FROM (VALUES ('DataPoint'), ('PointRollup')) r(rel)
     CROSS JOIN LATERAL (SELECT relid FROM pg_partition_tree(quote_ident(r.rel)::regclass) UNION SELECT quote_ident(r.rel)::regclass) t GROUP BY r.rel`,
  );
  return rows;
}

async function main() {
  const name = `vigil_bench_storage_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "warn";
  const client = new pg.Client({ connectionString: url });
  try {
    console.log(`scratch database ${name} on ${new URL(ADMIN_URL).host}; ${N.toLocaleString("en-US")} points of 10 s over ${SERIES} series`);
    await migrateDeploy(url);
    await client.connect();
    await client.query(`INSERT INTO "DataSource" (id, name, kind, "updatedAt") VALUES ('year', 'year', 'HTTP_PUSH', now()), ('ret', 'retention', 'HTTP_PUSH', now())`);
    const { createPointPartitions } = await import("../lib/storage/partitions");
    await createPointPartitions(YEAR_START, YEAR_START + PER_SERIES * STEP_MS);
    const [fillMs] = await timed(async () => {
      for (let k = 0; k < SERIES; k++) await fillSeries(client, sid("year", k), "year", Math.min(PER_SERIES, N - k * PER_SERIES), YEAR_START);
    });
    await client.query(`VACUUM ANALYZE "DataPoint"`);
    console.log(`filled in ${(fillMs / 1000).toFixed(1)} s (the rollup triggers included)`);

    const { readSeriesBuckets, seriesBucketsSql } = await import("../lib/server/queries/series");
    const { bucketSize } = await import("../lib/series/schemas");
    const { refreshRollupsUntilClean } = await import("../lib/storage/rollups");
    const { applyRetention } = await import("../lib/storage/retention");
    const { getPrisma, disconnectPrisma } = await import("../lib/server/db");
    const { closePgPool } = await import("../lib/server/pg-pool");

    const end = YEAR_START + (PER_SERIES - 1) * STEP_MS;
    const views = [
      { label: "1 day", from: end - DAY, to: end },
      { label: "30 days", from: end - 30 * DAY, to: end },
      { label: "1 year", from: YEAR_START, to: end },
    ];
    // Before: the points-only statement the explorer ran until now (rollups not derived yet).
    const before = new Map<string, number[]>();
    for (const v of views) {
      const sql = seriesBucketsSql(sid("year"), v.from, v.to, bucketSize(v.from, v.to, 1000));
      before.set(v.label, await sample(() => getPrisma().$queryRaw(sql), RUNS));
    }

    const [rollMs, rolled] = await timed(() => refreshRollupsUntilClean(3_600_000));
    console.log(`rollups derived in ${(rollMs / 1000).toFixed(1)} s (${rolled.runs} job runs, ${rolled.minutes.toLocaleString("en-US")} minute buckets; ${Math.round(N / (rollMs / 1000)).toLocaleString("en-US")} points/s)`);
    await client.query(`VACUUM ANALYZE "PointRollup"`);

    const rows: string[][] = [];
    for (const v of views) {
      const q = { from: new Date(v.from).toISOString(), to: new Date(v.to).toISOString(), maxPoints: 1000 };
      const result = await readSeriesBuckets(sid("year"), q);
      const after = await sample(() => readSeriesBuckets(sid("year"), q), RUNS);
      const b = before.get(v.label)!;
      rows.push([v.label, `${ms(median(b))} / ${ms(p95(b))}`, `${ms(median(after))} / ${ms(p95(after))}`, `${result.buckets.length} of ${(result.bucketMs / 1000).toFixed(0)} s`]);
    }
    console.log(`\nSeries explorer, at most 1000 buckets, median / p95 of ${RUNS} runs:`);
    printTable(["range", "before: points only (baseline)", "after: rollups", "buckets after"], rows);

    const sz = await sizes(client);
    const point = sz.find((r) => r.rel === "DataPoint")!;
    const rollup = sz.find((r) => r.rel === "PointRollup")!;
    const per = (x: string) => (Number(x) / Number(point.rows)).toFixed(1);
    console.log(`\nBytes per point (= MB per million points): DataPoint table ${per(point.table)}, its primary key ${per(point.index)}; rollups add ${per(rollup.table)} + ${per(rollup.index)} (index)`);

    // Retention: two identical 60-day series; 30 days deleted by the job vs one plain DELETE.
    const retN = 60 * 8640;
    const retStart = Date.now() - 60 * DAY;
    await createPointPartitions(retStart, Date.now());
    await fillSeries(client, sid("ret-job"), "ret", retN, retStart);
    await client.query(`INSERT INTO "DataSource" (id, name, kind, "updatedAt") VALUES ('plain', 'plain', 'HTTP_PUSH', now())`);
    await fillSeries(client, sid("ret-plain"), "plain", retN, retStart);
    await client.query(`VACUUM ANALYZE "DataPoint"`);
    await client.query(`UPDATE "DataSource" SET "retentionDays" = 30 WHERE id = 'ret'`);
    const now = Date.now();
    const [jobMs, job] = await timed(() => applyRetention({ now, budgetMs: 600_000 }));
    const [plainMs, plain] = await timed(() => client.query(`DELETE FROM "DataPoint" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = $2) AND ts < $1`, [new Date(now - 30 * DAY), sid("ret-plain")]));
    console.log(`\nRetention, 30 of 60 days of one series:`);
    printTable(["", "rows", "time", "rows/s"], [
      ["retention job (batches of 10,000)", job.deleted.toLocaleString("en-US"), ms(jobMs), Math.round(job.deleted / (jobMs / 1000)).toLocaleString("en-US")],
      ["one plain DELETE (baseline)", String(plain.rowCount), ms(plainMs), Math.round((plain.rowCount ?? 0) / (plainMs / 1000)).toLocaleString("en-US")],
    ]);

    // A year later with a retention of 365 days, the first month of every "year" series is past it.
    const jan = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "DataPoint_p202501"`);
    await client.query(`UPDATE "DataSource" SET "retentionDays" = 365 WHERE id = 'year'`);
    // The job checks each month of 2025 for its series (the other sources keep it, but one's cutoff
    // is in 2026), then finds each source's series with points past its cutoff: the statements it
    // used before (baseline) and now, on the same months and cutoffs.
    const { listPointPartitions, seriesInSql } = await import("../lib/storage/partitions");
    const dropNow = Date.UTC(2026, 1, 1);
    const months = (await listPointPartitions()).filter((p) => p.from < Date.UTC(2026, 0, 1));
    const cutoffs = [["year", 365], ["ret", 30]].map(([id, days]) => [id, new Date(dropNow - Number(days) * DAY)] as const);
    const check = async (statements: [string, unknown[]][]) => {
      const { cpuMs, result: wallMs } = await measureBackendCpu(client, name, async () => (await timed(async () => {
        for (const [sql, values] of statements) await client.query(sql, values);
      }))[0]);
      return `${ms(wallMs)}, database CPU ${ms(cpuMs)}`;
    };
    const monthsBefore = await check(months.map((m) => [`SELECT s.key FROM "Series" s WHERE EXISTS (SELECT 1 FROM "${m.name}" d WHERE d."seriesKey" = s.key)`, []]));
    const monthsAfter = await check(months.map((m) => [`${seriesInSql(m.name)} SELECT s.key FROM k JOIN "Series" s ON s.key = k.key`, []]));
    const sourcesBefore = await check(cutoffs.map(([id, cutoff]) => [`SELECT s.key FROM "Series" s WHERE s."sourceId" = $1
      AND EXISTS (SELECT 1 FROM "DataPoint" p WHERE p."seriesKey" = s.key AND p.ts < $2) ORDER BY s.key`, [id, cutoff]]));
    const sourcesAfter = await check(cutoffs.map(([id, cutoff]) => [`SELECT s.key FROM "Series" s
      CROSS JOIN LATERAL (SELECT 1 FROM "DataPoint" p WHERE p."seriesKey" = s.key AND p.ts < $2 ORDER BY p.ts LIMIT 1) old
      WHERE s."sourceId" = $1 ORDER BY s.key`, [id, cutoff]]));
    const { cpuMs: dropCpu, result: [dropMs, drop] } = await measureBackendCpu(client, name, () => timed(() => applyRetention({ now: dropNow, budgetMs: 600_000 })));
    const rate = job.deleted / (jobMs / 1000);
    console.log(`\nRetention drop: ${drop.dropped} month partition (${Number(jan.rows[0].n).toLocaleString("en-US")} points) and ${drop.deleted} rows deleted in ${ms(dropMs)}, database CPU ${ms(dropCpu)}; ` +
      `the batched delete at its rate above would take ${(Number(jan.rows[0].n) / rate).toFixed(1)} s`);
    console.log(`Its statements, before (baseline) -> now: the series of the ${months.length} months it checks ${monthsBefore} -> ${monthsAfter}; ` +
      `each source's series with points past its cutoff ${sourcesBefore} -> ${sourcesAfter}`);
    console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
    await disconnectPrisma();
    await closePgPool();
  } finally {
    await client.end().catch(() => undefined);
    if (!args.keep) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
