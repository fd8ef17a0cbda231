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
 * it keeps points for less time than has passed since the month ended. The check runs under the table lock the drop
 * needs anyway, so a late point cannot slip into a month being dropped; the month of each of its
 * series is queued for the rollup job in the same transaction. Returns the partitions dropped.
 */
export async function dropExpiredPartitions(now = Date.now()): Promise<string[]> {
  const { rows: sources } = await getPgPool().query<{ id: string; days: number | null }>(`SELECT id, "retentionDays" AS days FROM "DataSource"`);
  const cutoffs = new Map(sources.map((s) => [s.id, s.days === null ? -Infinity : now - s.days * DAY_MS]));
  const latest = Math.max(-Infinity, ...cutoffs.values());
  const dropped: string[] = [];
  for (const p of await listPointPartitions()) {
    if (p.to > latest) break; // no source has let go of this month yet, nor of any later one
    const done = await withPgTransaction(async (c) => {
      await c.query(`SET LOCAL lock_timeout = '10s'`);
      await c.query(`LOCK TABLE ONLY "DataPoint" IN ACCESS EXCLUSIVE MODE`);
      const { rows: series } = await c.query<{ id: string; sourceId: string }>(
        `SELECT s.id, s."sourceId" FROM "Series" s WHERE EXISTS (SELECT 1 FROM "${p.name}" d WHERE d."seriesId" = s.id)`,
      );
      if (series.some((s) => (cutoffs.get(s.sourceId) ?? -Infinity) < p.to)) return false;
      // The rollup job removes the month's rollups in bounded steps; readers meanwhile take the
      // pending range from the points (now none), as for any change.
      await c.query(`INSERT INTO "RollupDirty" ("seriesId", "fromTs", "toTs") SELECT unnest($1::text[]), $2, $3`, [series.map((s) => s.id), new Date(p.from), new Date(p.to - 1)]);
      await c.query(`DROP TABLE "${p.name}"`);
      return true;
    });
    if (done) dropped.push(p.name);
  }
  return dropped;
}
