/**
 * Retention: a source with `retentionDays` loses its points older than that. Whole months no
 * source keeps are dropped as partitions (lib/storage/partitions.ts); what is left past a source's
 * cutoff (a month shared with a source that keeps it, even forever; the month the cutoff falls in;
 * a month whose drop did not get its lock this run) is deleted by
 * the scheduled retention job in batches of `batch` rows (each its own short transaction, so ingest
 * and detection never wait long on it), at most `budgetMs` per run; the next run goes on.
 * Anomalies, labels and detector state are kept: they are their own rows. The delete triggers
 * record the deleted ranges, so the rollup job removes the rollups of deleted points too.
 */
import { getPgPool } from "@/lib/server/pg-pool";
import { dropExpiredPartitions } from "@/lib/storage/partitions";

export const RETENTION_BATCH = 10_000;
export const DAY_MS = 86_400_000;

export interface RetentionResult {
  sources: number;
  /** Month partitions dropped whole. */
  dropped: number;
  deleted: number;
  /** False when the budget ran out before every source was done. */
  done: boolean;
}

/**
 * Deletes up to `batch` of the series' points older than `cutoff`; returns how many. The batch is
 * a key range (up to the batch-th oldest point), so the delete is one primary-key range scan.
 */
async function deleteBatch(seriesKey: number, cutoff: Date, batch: number): Promise<number> {
  const pool = getPgPool();
  const { rows } = await pool.query<{ ts: Date }>(
    `SELECT ts FROM "DataPoint" WHERE "seriesKey" = $1 AND ts < $2 ORDER BY ts OFFSET $3 LIMIT 1`,
    [seriesKey, cutoff, batch - 1],
  );
  const r = rows[0]
    ? await pool.query(`DELETE FROM "DataPoint" WHERE "seriesKey" = $1 AND ts <= $2`, [seriesKey, rows[0].ts])
    : await pool.query(`DELETE FROM "DataPoint" WHERE "seriesKey" = $1 AND ts < $2`, [seriesKey, cutoff]);
  return r.rowCount ?? 0;
}

/** The keys of source $1's series with points before $2. */
export const EXPIRED_SERIES_SQL = `SELECT s.key FROM "Series" s
  CROSS JOIN LATERAL (SELECT 1 FROM "DataPoint" p WHERE p."seriesKey" = s.key AND p.ts < $2 ORDER BY p.ts LIMIT 1) old
  WHERE s."sourceId" = $1 ORDER BY s.key`;

export async function applyRetention(opts: { now?: number; batch?: number; budgetMs?: number; lockTimeoutMs?: number } = {}): Promise<RetentionResult> {
  const { now = Date.now(), batch = RETENTION_BATCH, budgetMs = 50_000, lockTimeoutMs } = opts;
  const deadline = Date.now() + budgetMs;
  const dropped = (await dropExpiredPartitions(now, { lockTimeoutMs })).length;
  const pool = getPgPool();
  const { rows: sources } = await pool.query<{ id: string; retentionDays: number }>(
    `SELECT id, "retentionDays" FROM "DataSource" WHERE "retentionDays" IS NOT NULL ORDER BY id`,
  );
  let deleted = 0;
  for (const source of sources) {
    const cutoff = new Date(now - source.retentionDays * DAY_MS);
    // Only series that have something to delete: one index probe per series and month. Ordered by
    // ts, so the probes are planned on the key; a plain EXISTS was planned as a sequential scan of
    // every month before the cutoff when a month holds few series (4 s at 3M points, every run).
    const { rows: series } = await pool.query<{ key: number }>(EXPIRED_SERIES_SQL, [source.id, cutoff]);
    for (const s of series) {
      for (;;) {
        if (Date.now() > deadline) return { sources: sources.length, dropped, deleted, done: false };
        const n = await deleteBatch(s.key, cutoff, batch);
        deleted += n;
        if (n < batch) break;
      }
    }
  }
  return { sources: sources.length, dropped, deleted, done: true };
}
