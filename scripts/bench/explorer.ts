/**
 * The series explorer's query over a year of 10-second points (3,153,600 by default) in the bench's
 * scratch database: readSeriesBuckets (what GET /api/v1/series/[id]/points runs) for the whole year
 * and for 30 days and 24 hours at its end, next to the same SQL through plain pg, the least any
 * query that reads every point must do (count, min, max over the range), and the statement it
 * replaced (grouping on extract(epoch) arithmetic).
 */
import type pg from "pg";
import { printTable } from "./table";

const YEAR_START = Date.UTC(2025, 0, 1);
const STEP_MS = 10_000;
const MAX_POINTS = 1000;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function sample(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** A year of points on one series: a daily wave with noise, a spike and a day-long gap. */
async function fillYear(client: pg.Client, seriesId: string, n: number) {
  await client.query(`INSERT INTO "Series" (id, "sourceId", metric, labels, "labelsKey") VALUES ($1, 'src1', 'cpu', '{"host":"year"}', '{"host":"year"}')`, [seriesId]);
  await client.query(
    `INSERT INTO "DataPoint" ("seriesKey", ts, value)
     SELECT (SELECT key FROM "Series" WHERE id = $1), to_timestamp($2::float8 / 1000) + g * interval '10 seconds', CASE WHEN g = $3 THEN 500 ELSE 50 + 20 * sin(g / 1371.0) + random() END
     FROM generate_series(0, $4::int - 1) g WHERE g NOT BETWEEN 1000000 AND 1008640`,
    [seriesId, YEAR_START, Math.floor(n / 3), n],
  );
  await client.query(`VACUUM ANALYZE "DataPoint"`);
}

export async function benchExplorer(client: pg.Client, n: number, runs: number) {
  const seriesId = "explorer-year";
  const t0 = performance.now();
  await fillYear(client, seriesId, n);
  console.log(`\n${n.toLocaleString("en-US")} points of 10 s on one series, filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const { readSeriesBuckets, seriesBucketsSql } = await import("../../lib/server/queries/series");
  const end = YEAR_START + (n - 1) * STEP_MS;
  const views = [
    { label: "a year (the whole series)", from: YEAR_START, to: end, whole: true },
    { label: "30 days", from: end - 30 * 86_400_000, to: end, whole: false },
    { label: "24 hours", from: end - 86_400_000, to: end, whole: false },
  ];
  const rows: string[][] = [];
  for (const v of views) {
    const query = v.whole ? { maxPoints: MAX_POINTS } : { from: new Date(v.from).toISOString(), to: new Date(v.to).toISOString(), maxPoints: MAX_POINTS };
    const result = await readSeriesBuckets(seriesId, query);
    if (Math.max(...result.buckets.map((b) => b.max)) !== 500 && v.whole) throw new Error("the spike was lost");
    const sql = seriesBucketsSql(seriesId, v.from, v.to, result.bucketMs);
    const api = await sample(() => readSeriesBuckets(seriesId, query), runs);
    const plain = await sample(() => client.query(sql.text, sql.values), runs);
    const floor = await sample(
      () => client.query(`SELECT count(*), min(value), max(value) FROM "DataPoint" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = $1) AND ts BETWEEN $2 AND $3`, [seriesId, new Date(v.from), new Date(v.to)]),
      runs,
    );
    const old = await sample(
      () =>
        client.query(
          `SELECT min(ts), min(value), max(value), avg(value), count(*) FROM "DataPoint" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = $1) AND ts >= $2 AND ts <= $3
           GROUP BY floor((extract(epoch FROM ts) * 1000 - $4::float8) / $5::float8) ORDER BY 1`,
          [seriesId, new Date(v.from), new Date(v.to), v.from, result.bucketMs],
        ),
      Math.max(3, Math.floor(runs / 4)),
    );
    rows.push([v.label, String(result.buckets.length), `${ms(median(api))} / ${ms(p95(api))}`, `${ms(median(plain))} / ${ms(p95(plain))}`, `${ms(median(floor))} / ${ms(p95(floor))}`, `${ms(median(old))} / ${ms(p95(old))}`]);
  }
  console.log(`Series explorer, at most ${MAX_POINTS} min/max/avg buckets, median / p95 of ${runs} runs (goal: p95 under 1 s for the year):`);
  printTable(["range", "buckets", "API query", "same SQL, plain pg", "count/min/max scan (floor)", "previous statement"], rows);
}
