/**
 * Rollups: per series, min/max/sum/count and the first point's time per minute and per hour
 * (`PointRollup`), re-derived from the points. Triggers on DataPoint record every changed range in
 * `RollupDirty` (inserts, corrections, late points, deletes, from any writer); `refreshRollups`
 * takes a bounded batch of those rows, re-derives the minutes they touch from the points and the
 * hours around those minutes from the minute rollups, and deletes them, all in one transaction. So
 * rollups are exact once the job has run, and readers treat a series' pending dirty range as raw
 * points meanwhile (lib/storage/buckets.ts).
 */
import type pg from "pg";
import { getPgPool, withPgTransaction } from "@/lib/server/pg-pool";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Rollup widths in seconds, finest first. */
export const ROLLUP_WIDTHS = [60, 3600] as const;
/** At most this much of one series is re-derived per statement; the rest goes back to the queue. */
export const MAX_SPAN_MS = 7 * 24 * HOUR_MS;
/** Dirty rows taken per run (one run is one transaction). */
export const DIRTY_BATCH = 5_000;

export const floorTo = (ms: number, width: number) => Math.floor(ms / width) * width;

export interface RefreshResult {
  /** Dirty rows consumed. */
  taken: number;
  /** Series whose rollups were re-derived. */
  series: number;
  /** Minute buckets written. */
  minutes: number;
}

interface Span {
  seriesKey: number;
  /** Minutes re-derived from the points: [from, to), minute-aligned. */
  from: number;
  to: number;
}

/**
 * Re-derives the spans' minute rollups from their points, then the hours those minutes fall in
 * from the minute rollups: set-based, five statements however many series. Only the minutes a
 * change touched read points, so a series getting one point a second costs a minute of points per
 * run, not an hour's.
 */
async function deriveSpans(client: pg.ClientBase, spans: Span[]): Promise<number> {
  const keys = spans.map((s) => s.seriesKey);
  const from = spans.map((s) => new Date(s.from));
  const to = spans.map((s) => new Date(s.to));
  const hourFrom = spans.map((s) => new Date(floorTo(s.from, HOUR_MS)));
  const hourTo = spans.map((s) => new Date(floorTo(s.to - 1, HOUR_MS) + HOUR_MS));
  // Sorted keys (the caller's order): two runs take these locks in one order and never deadlock.
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('vigil-rollup'), s) FROM unnest($1::int[]) WITH ORDINALITY AS v(s, i) ORDER BY i`, [keys]);
  await client.query(
    `DELETE FROM "PointRollup" r USING unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS v(s, f, t)
     WHERE r."seriesKey" = v.s AND r.width = 60 AND r.bucket >= v.f AND r.bucket < v.t`,
    [keys, from, to],
  );
  const minutes = await client.query(
    `INSERT INTO "PointRollup" ("seriesKey", width, bucket, "firstTs", count, sum, min, max)
     SELECT p."seriesKey", 60, date_trunc('minute', p.ts), min(p.ts), count(*), sum(p.value), min(p.value), max(p.value)
     FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS v(s, f, t)
     JOIN "DataPoint" p ON p."seriesKey" = v.s AND p.ts >= v.f AND p.ts < v.t
     GROUP BY p."seriesKey", date_trunc('minute', p.ts)`,
    [keys, from, to],
  );
  await client.query(
    `DELETE FROM "PointRollup" r USING unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS v(s, f, t)
     WHERE r."seriesKey" = v.s AND r.width = 3600 AND r.bucket >= v.f AND r.bucket < v.t`,
    [keys, hourFrom, hourTo],
  );
  await client.query(
    `INSERT INTO "PointRollup" ("seriesKey", width, bucket, "firstTs", count, sum, min, max)
     SELECT r."seriesKey", 3600, date_trunc('hour', r.bucket), min(r."firstTs"), sum(r.count), sum(r.sum), min(r.min), max(r.max)
     FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS v(s, f, t)
     JOIN "PointRollup" r ON r."seriesKey" = v.s AND r.width = 60 AND r.bucket >= v.f AND r.bucket < v.t
     GROUP BY r."seriesKey", date_trunc('hour', r.bucket)`,
    [keys, hourFrom, hourTo],
  );
  return minutes.rowCount ?? 0;
}

/**
 * One run of the rollup job: takes up to `batch` dirty rows (skipping rows another run holds),
 * merges them per series into minute-aligned spans, re-derives at most MAX_SPAN_MS of each (and
 * the hours around them) and puts the remainder back. Per-series advisory locks keep two runs from
 * deriving one series at once.
 */
export async function refreshRollups(batch = DIRTY_BATCH, upToId: string | null = null): Promise<RefreshResult> {
  return withPgTransaction(async (client) => {
    await client.query(`SET LOCAL statement_timeout = 120000`);
    // The series of the oldest `batch` rows, and every row of theirs (up to `upToId`): a series
    // written every second gains a row a second, and deriving it once for all of them costs what
    // deriving it for one does.
    const { rows } = await client.query<{ seriesKey: number; from: number; to: number; taken: number }>(
      `WITH series AS (
         SELECT DISTINCT "seriesKey" FROM (
           SELECT "seriesKey" FROM "RollupDirty" WHERE ($2::bigint IS NULL OR id <= $2::bigint) ORDER BY id LIMIT $1) x
       ), taken AS (
         DELETE FROM "RollupDirty" WHERE id IN (
           SELECT d.id FROM "RollupDirty" d JOIN series s ON s."seriesKey" = d."seriesKey"
           WHERE $2::bigint IS NULL OR d.id <= $2::bigint
           FOR UPDATE OF d SKIP LOCKED)
         RETURNING "seriesKey", "fromTs", "toTs")
       SELECT "seriesKey", (extract(epoch FROM min("fromTs")) * 1000)::float8 AS "from",
              (extract(epoch FROM max("toTs")) * 1000)::float8 AS "to", count(*)::int AS taken
       FROM taken GROUP BY "seriesKey" ORDER BY "seriesKey"`,
      [batch, upToId],
    );
    if (rows.length === 0) return { taken: 0, series: 0, minutes: 0 };
    const spans: Span[] = [];
    const rest: Span[] = [];
    for (const r of rows) {
      const from = floorTo(Math.round(r.from), MINUTE_MS);
      const end = floorTo(Math.round(r.to), MINUTE_MS) + MINUTE_MS;
      const to = Math.min(end, from + MAX_SPAN_MS);
      spans.push({ seriesKey: r.seriesKey, from, to });
      if (to < end) rest.push({ seriesKey: r.seriesKey, from: to, to: end - 1 });
    }
    const minutes = await deriveSpans(client, spans);
    if (rest.length > 0) {
      await client.query(
        `INSERT INTO "RollupDirty" ("seriesKey", "fromTs", "toTs") SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[])`,
        [rest.map((r) => r.seriesKey), rest.map((r) => new Date(r.from)), rest.map((r) => new Date(r.to))],
      );
    }
    return { taken: rows.reduce((n, r) => n + r.taken, 0), series: rows.length, minutes };
  });
}

/**
 * Runs the job until nothing is dirty or `budgetMs` has passed (tests, the bench, a long backlog).
 * With `follow: false` (the worker's periodic job) it takes only the rows dirty when it started:
 * under steady ingest new rows arrive every second, and the next run (10 s later) takes them
 * together, rather than this one chasing them one at a time.
 */
export async function refreshRollupsUntilClean(budgetMs = 60_000, opts: { follow?: boolean } = {}): Promise<RefreshResult & { runs: number; clean: boolean }> {
  const deadline = Date.now() + budgetMs;
  const total = { taken: 0, series: 0, minutes: 0, runs: 0, clean: false };
  const upTo = opts.follow === false ? await newestDirtyId() : null;
  if (opts.follow === false && upTo === null) return { ...total, clean: true };
  while (Date.now() < deadline) {
    const r = await refreshRollups(DIRTY_BATCH, upTo);
    total.runs++;
    total.taken += r.taken;
    total.series += r.series;
    total.minutes += r.minutes;
    if (r.taken === 0) return { ...total, clean: true };
  }
  return total;
}

async function newestDirtyId(): Promise<string | null> {
  const { rows } = await getPgPool().query<{ id: string | null }>(`SELECT max(id)::text AS id FROM "RollupDirty"`);
  return rows[0].id;
}
