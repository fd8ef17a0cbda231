/**
 * Rollups: per series, min/max/sum/count and the first point's time per minute and per hour
 * (`PointRollup`), re-derived from the points. Triggers on DataPoint record every changed range in
 * `RollupDirty` (inserts, corrections, late points, deletes, from any writer); `refreshRollups`
 * takes a bounded batch of those rows, re-derives the whole minutes and hours they touch from the
 * points, and deletes them, all in one transaction. So rollups are exact once the job has run,
 * and readers treat a series' pending dirty range as raw points meanwhile (lib/storage/buckets.ts).
 */
import type pg from "pg";
import { withPgTransaction } from "@/lib/server/pg-pool";

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
  seriesId: string;
  from: number;
  to: number;
}

/** Re-derives minute then hour rollups of [from, to) (hour-aligned) of one series from its points. */
async function deriveSpan(client: pg.ClientBase, s: Span): Promise<number> {
  const from = new Date(s.from);
  const to = new Date(s.to);
  await client.query(`DELETE FROM "PointRollup" WHERE "seriesId" = $1 AND bucket >= $2 AND bucket < $3`, [s.seriesId, from, to]);
  const minutes = await client.query(
    `INSERT INTO "PointRollup" ("seriesId", width, bucket, "firstTs", count, sum, min, max)
     SELECT p."seriesId", 60, date_trunc('minute', p.ts), min(p.ts), count(*), sum(p.value), min(p.value), max(p.value)
     FROM "DataPoint" p WHERE p."seriesId" = $1 AND p.ts >= $2 AND p.ts < $3
     GROUP BY p."seriesId", date_trunc('minute', p.ts)`,
    [s.seriesId, from, to],
  );
  await client.query(
    `INSERT INTO "PointRollup" ("seriesId", width, bucket, "firstTs", count, sum, min, max)
     SELECT "seriesId", 3600, date_trunc('hour', bucket), min("firstTs"), sum(count), sum(sum), min(min), max(max)
     FROM "PointRollup" WHERE "seriesId" = $1 AND width = 60 AND bucket >= $2 AND bucket < $3
     GROUP BY "seriesId", date_trunc('hour', bucket)`,
    [s.seriesId, from, to],
  );
  return minutes.rowCount ?? 0;
}

/**
 * One run of the rollup job: takes up to `batch` dirty rows (skipping rows another run holds),
 * merges them per series into hour-aligned spans, re-derives at most MAX_SPAN_MS of each and puts
 * the remainder back. A per-series advisory lock keeps two runs from deriving one series at once.
 */
export async function refreshRollups(batch = DIRTY_BATCH): Promise<RefreshResult> {
  return withPgTransaction(async (client) => {
    await client.query(`SET LOCAL statement_timeout = 120000`);
    const { rows } = await client.query<{ seriesId: string; from: number; to: number; taken: number }>(
      `WITH taken AS (
         DELETE FROM "RollupDirty" WHERE id IN (SELECT id FROM "RollupDirty" ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING "seriesId", "fromTs", "toTs")
       SELECT "seriesId", (extract(epoch FROM min("fromTs")) * 1000)::float8 AS "from",
              (extract(epoch FROM max("toTs")) * 1000)::float8 AS "to", count(*)::int AS taken
       FROM taken GROUP BY "seriesId" ORDER BY "seriesId"`,
      [batch],
    );
    let minutes = 0;
    for (const r of rows) {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('vigil-rollup:' || $1))`, [r.seriesId]);
      const from = floorTo(Math.round(r.from), HOUR_MS);
      const end = floorTo(Math.round(r.to), HOUR_MS) + HOUR_MS;
      const to = Math.min(end, from + MAX_SPAN_MS);
      minutes += await deriveSpan(client, { seriesId: r.seriesId, from, to });
      if (to < end) {
        await client.query(`INSERT INTO "RollupDirty" ("seriesId", "fromTs", "toTs") VALUES ($1, $2, $3)`, [r.seriesId, new Date(to), new Date(end - 1)]);
      }
    }
    return { taken: rows.reduce((n, r) => n + r.taken, 0), series: rows.length, minutes };
  });
}

/** Runs the job until nothing is dirty or `budgetMs` has passed (tests, the bench, a long backlog). */
export async function refreshRollupsUntilClean(budgetMs = 60_000): Promise<RefreshResult & { runs: number; clean: boolean }> {
  const deadline = Date.now() + budgetMs;
  const total = { taken: 0, series: 0, minutes: 0, runs: 0, clean: false };
  while (Date.now() < deadline) {
    const r = await refreshRollups();
    total.runs++;
    total.taken += r.taken;
    total.series += r.series;
    total.minutes += r.minutes;
    if (r.taken === 0) return { ...total, clean: true };
  }
  return total;
}
