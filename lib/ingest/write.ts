/**
 * Writes a validated batch in one transaction: series are created on first sight (safe when two
 * requests race: INSERT ... ON CONFLICT DO NOTHING, then SELECT), points are upserted on
 * (series, ts) through one unnest over (series index, epoch ms, value) arrays per chunk, and the
 * source and key are stamped. Nothing is visible until all of it commits.
 * Plain `pg` rather than Prisma: Prisma's debug module keeps the arguments of its last 100 calls,
 * which here would hold up to 100 chunks of points in memory (see lib/server/pg-pool.ts).
 */
import type pg from "pg";
import { AppError } from "@/lib/server/api/errors";
import { getPgPool, withPgTransaction } from "@/lib/server/pg-pool";
import type { SeriesPoints } from "@/lib/ingest/batch";
import { resolveSeries, type ResolvedSeries } from "@/lib/ingest/resolve-series";
import { countPointsIngested } from "@/lib/metrics/record";
import { addChanges, recheckOrLeave, requestRedetectForChanges, upsertPointsSql, type Changes, type UpsertRow } from "@/lib/ingest/changes";

const CHUNK = 50_000;
/** Ingest stamps a source's `lastIngestedAt` and its key's `lastUsedAt` at most this often. */
export const STAMP_RESOLUTION_MS = 1_000;
/** Bounds each statement of the write, as Prisma's transaction timeout bounded the whole. */
const STATEMENT_TIMEOUT_MS = 120_000;

export interface WriteResult {
  /** Points stored: distinct (series, timestamp) pairs of the batch (a repeated timestamp counts once, the last value wins). */
  accepted: number;
  series: number;
  seriesIds: string[];
  /** Series whose points this write inserted or changed (an identical re-send changes none). */
  changedSeriesIds: string[];
}

/**
 * Rows are written in one global order, series by (metric, labels) then time, so two requests
 * overlapping on the same points wait for each other instead of deadlocking.
 */
function canonicalOrder(series: SeriesPoints[]): SeriesPoints[] {
  const sorted = [...series].sort((a, b) => (a.metric === b.metric ? cmp(a.labelsKey, b.labelsKey) : cmp(a.metric, b.metric)));
  return sorted.map((s) => {
    let ordered = true;
    for (let i = 1; i < s.ms.length && ordered; i++) ordered = s.ms[i - 1] <= s.ms[i];
    if (ordered) return s;
    // Stable sort: equal timestamps keep their order, so the last value sent still wins.
    const idx = s.ms.map((_, i) => i).sort((x, y) => s.ms[x] - s.ms[y] || x - y);
    return { ...s, ms: idx.map((i) => s.ms[i]), values: idx.map((i) => s.values[i]) };
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Upserts points of many series on a client inside a transaction; within one call the last value
 * for a (series, ts) wins. Returns what it inserted or changed, per series.
 */
export async function upsertMultiSeriesPoints(client: pg.ClientBase, resolved: ResolvedSeries[], series: SeriesPoints[]): Promise<Changes> {
  const changes: Changes = new Map();
  const keys = resolved.map((r) => r.key);
  const ids = new Map(resolved.map((r) => [r.key, r.id]));
  let si: number[] = [];
  let ms: number[] = [];
  let vs: number[] = [];
  const flush = async () => {
    if (si.length === 0) return;
    const { rows } = await client.query<UpsertRow>(
      upsertPointsSql(`SELECT DISTINCT ON (u.si, u.ms) ($1::int[])[u.si] AS "seriesKey", to_timestamp(u.ms / 1000.0) AS ts, u.value
       FROM unnest($2::int[], $3::float8[], $4::float8[]) WITH ORDINALITY AS u(si, ms, value, ord)
       ORDER BY u.si, u.ms, u.ord DESC`),
      [keys, si, ms, vs],
    );
    addChanges(changes, rows, ids);
    si = [];
    ms = [];
    vs = [];
  };
  for (let s = 0; s < series.length; s++) {
    const { ms: t, values } = series[s];
    for (let i = 0; i < t.length; i++) {
      si.push(s + 1);
      ms.push(t[i]);
      vs.push(values[i]);
      if (si.length === CHUNK) await flush();
    }
  }
  await flush();
  return changes;
}

/**
 * Stamps the source and the key with one JS clock reading (the source's updatedAt with it), at most
 * once per STAMP_RESOLUTION_MS, and never waiting: a row updated by every write made concurrent
 * writes to one source queue behind each other's commits (at 5,000 points/s that lock, not the
 * points, was ingest's limit). A stamp that is not due, or that another write is making right now
 * (its row lock is held: SKIP LOCKED), is left out; the source row is read FOR KEY SHARE, which its
 * updates do not wait for. Columns are timestamp without time zone holding UTC. A source or key
 * gone since authentication fails the write (404).
 */
async function stampSourceAndKey(client: pg.ClientBase, sourceId: string, keyId: string | null): Promise<string> {
  const now = new Date().toISOString();
  const { rows } = await client.query<{ kind: string; keyFound: boolean }>(
    `SELECT s.kind, EXISTS (SELECT 1 FROM "ApiKey" WHERE id = $2) AS "keyFound" FROM "DataSource" s WHERE s.id = $1 FOR KEY SHARE`,
    [sourceId, keyId],
  );
  if (rows.length === 0 || (keyId && !rows[0].keyFound)) throw new AppError("not_found", "Not found");
  const due = (column: string) => `("${column}" IS NULL OR "${column}" < ($2::timestamptz - $3 * interval '1 millisecond') AT TIME ZONE 'UTC')`;
  await client.query(
    `UPDATE "DataSource" SET "lastIngestedAt" = $2::timestamptz AT TIME ZONE 'UTC', "updatedAt" = $2::timestamptz AT TIME ZONE 'UTC'
     WHERE id = (SELECT id FROM "DataSource" WHERE id = $1 AND ${due("lastIngestedAt")} FOR NO KEY UPDATE SKIP LOCKED)`,
    [sourceId, now, STAMP_RESOLUTION_MS],
  );
  if (keyId) {
    await client.query(
      `UPDATE "ApiKey" SET "lastUsedAt" = $2::timestamptz AT TIME ZONE 'UTC'
       WHERE id = (SELECT id FROM "ApiKey" WHERE id = $1 AND ${due("lastUsedAt")} FOR NO KEY UPDATE SKIP LOCKED)`,
      [keyId, now, STAMP_RESOLUTION_MS],
    );
  }
  return rows[0].kind;
}

export async function writeBatch(sourceId: string, keyId: string | null, input: SeriesPoints[]): Promise<WriteResult> {
  const series = canonicalOrder(input);
  const { kind, checkId, ...result } = await withPgTransaction(async (client) => {
    await client.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    const resolved = await resolveSeries(client, sourceId, series);
    const seriesIds = resolved.map((r) => r.id);
    const changes = await upsertMultiSeriesPoints(client, resolved, series);
    const checkId = await requestRedetectForChanges(client, changes);
    const kind = await stampSourceAndKey(client, sourceId, keyId);
    const accepted = series.reduce((n, s) => n + new Set(s.ms).size, 0);
    return { kind, checkId, accepted, series: seriesIds.length, seriesIds, changedSeriesIds: seriesIds.filter((id) => changes.has(id)) };
  });
  // Again after the commit: a detect run may have committed past the new points meanwhile, having
  // read its page before they were visible (see recheckAfterCommit).
  await recheckOrLeave(getPgPool(), checkId);
  countPointsIngested(kind, result.accepted);
  return result;
}
