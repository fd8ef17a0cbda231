/**
 * "DataPoint" is partitioned by month (UTC) of `ts` (migration `points_partitioned`): partitions
 * `DataPoint_pYYYYMM` and a default partition for months that have none yet. The hourly storage
 * job keeps `MONTHS_AHEAD` months ahead created and moves points waiting in the default partition
 * into their month (SQL function `vigil_point_partition`), and drops whole months every point of
 * which is past its source's retention: a drop instead of deleting rows.
 */
import { getPgPool, withPgTransaction } from "@/lib/server/pg-pool";

export const MONTHS_AHEAD = 3;
const DAY_MS = 86_400_000;
const NAME = /^DataPoint_p(\d{4})(\d{2})$/;

export interface PointPartition {
  name: string;
  from: number;
  to: number;
}

function monthStart(ms: number, add = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

/** The month partitions, oldest first (the default partition is not listed). */
export async function listPointPartitions(): Promise<PointPartition[]> {
  const { rows } = await getPgPool().query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '"DataPoint"'::regclass`,
  );
  return rows
    .flatMap((r) => {
      const m = NAME.exec(r.name);
      if (!m) return [];
      const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
      return [{ name: r.name, from, to: monthStart(from, 1) }];
    })
    .sort((a, b) => a.from - b.from);
}

/**
 * Creates this month's and the next MONTHS_AHEAD months' partitions when missing, and the month of
 * every point waiting in the default partition (moving those points). Returns the points moved.
 */
export async function ensurePointPartitions(now = Date.now()): Promise<{ moved: number }> {
  const pool = getPgPool();
  const { rows: waiting } = await pool.query<{ month: Date; n: number }>(
    `SELECT date_trunc('month', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month, count(*)::int AS n FROM "DataPoint_default" GROUP BY 1`,
  );
  const months = new Set(Array.from({ length: MONTHS_AHEAD + 1 }, (_, k) => monthStart(now, k)));
  for (const w of waiting) months.add(w.month.getTime());
  for (const m of [...months].sort((a, b) => a - b)) await pool.query(`SELECT vigil_point_partition($1)`, [new Date(m)]);
  return { moved: waiting.reduce((n, w) => n + w.n, 0) };
}

/** Creates the partitions of every month from `from` to `to` (a bulk load of history creates them first). */
export async function createPointPartitions(from: number, to: number): Promise<void> {
  for (let m = monthStart(from); m <= to; m = monthStart(m, 1)) await getPgPool().query(`SELECT vigil_point_partition($1)`, [new Date(m)]);
}

/**
 * Drops each month partition none of whose points any source keeps: every source with a point in
 * it keeps points for less time than has passed since the month ended. A month some source still
 * keeps is left without taking any lock (the expired sources' rows in it are deleted in batches by
 * `applyRetention`, and the month is dropped by a later run once nobody keeps it), so a source that
 * keeps its points forever costs the others index probes, not a table lock every hour. A droppable
 * month is checked again under the table lock the drop needs anyway (only the sources that keep
 * it, so no late point of theirs slips into a dropped month); a month whose lock is not granted
 * within the lock timeout is left for the next run instead of failing the job. The month's series
 * are queued for the rollup job in the drop's transaction (a late point queues itself).
 * Returns the partitions dropped.
 */
export async function dropExpiredPartitions(now = Date.now(), opts: { lockTimeoutMs?: number } = {}): Promise<string[]> {
  const pool = getPgPool();
  const { rows: sources } = await pool.query<{ id: string; days: number | null }>(`SELECT id, "retentionDays" AS days FROM "DataSource"`);
  const cutoffs = new Map(sources.map((s) => [s.id, s.days === null ? -Infinity : now - s.days * DAY_MS]));
  const latest = Math.max(-Infinity, ...cutoffs.values());
  const dropped: string[] = [];
  for (const p of await listPointPartitions()) {
    if (p.to > latest) break; // no source has let go of this month yet, nor of any later one
    // Sources that have let go of the month; any other (one created since included) keeps it.
    const expired = sources.filter((s) => (cutoffs.get(s.id) ?? -Infinity) >= p.to).map((s) => s.id);
    const { rows: present } = await pool.query<{ key: number; sourceId: string }>(`${seriesInSql(p.name)} SELECT s.key, s."sourceId" FROM k JOIN "Series" s ON s.key = k.key`);
    if (present.some((s) => !expired.includes(s.sourceId))) continue;
    const done = await withPgTransaction(async (c) => {
      await c.query(`SET LOCAL lock_timeout = ${opts.lockTimeoutMs ?? 10_000}`);
      try {
        await c.query(`LOCK TABLE ONLY "DataPoint" IN ACCESS EXCLUSIVE MODE`);
      } catch (e) {
        if ((e as { code?: string }).code === LOCK_NOT_AVAILABLE) return false;
        throw e;
      }
      const { rows } = await c.query<{ kept: boolean }>(
        `${seriesInSql(p.name)} SELECT EXISTS (SELECT 1 FROM k JOIN "Series" s ON s.key = k.key WHERE s."sourceId" <> ALL($1::text[])) AS kept`,
        [expired],
      );
      if (rows[0].kept) return false;
      // The rollup job removes the month's rollups in bounded steps; readers meanwhile take the
      // pending range from the points (now none), as for any change.
      await c.query(`INSERT INTO "RollupDirty" ("seriesKey", "fromTs", "toTs") SELECT unnest($1::int[]), $2, $3`, [present.map((s) => s.key), new Date(p.from), new Date(p.to - 1)]);
      await c.query(`DROP TABLE "${p.name}"`);
      return true;
    });
    if (done) dropped.push(p.name);
  }
  return dropped;
}

/**
 * `WITH k(key)`: the distinct series keys of a month partition, found by walking its primary key
 * (a skip scan: one index descent per series present), never by reading its rows. The plain
 * `EXISTS` per series was planned as a sequential scan of the whole month when there are few
 * series (bench:storage: 90 ms for 242k points, once per month checked, every run).
 */
export function seriesInSql(partition: string): string {
  return `WITH RECURSIVE k(key) AS (
      SELECT min("seriesKey") FROM "${partition}"
      UNION ALL
      SELECT (SELECT min("seriesKey") FROM "${partition}" WHERE "seriesKey" > k.key) FROM k WHERE k.key IS NOT NULL)`;
}

/** PostgreSQL's lock_not_available (a lock_timeout expired). */
const LOCK_NOT_AVAILABLE = "55P03";
