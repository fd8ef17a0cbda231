/**
 * What a write actually changed, and the re-detection it calls for. Only new points and changed
 * values count: an identical re-send (HTTP retry, MQTT QoS 1, broker redelivery) changes nothing
 * and triggers nothing. Both the push/poll/MQTT write and the CSV upload merge go through here.
 */
import type pg from "pg";
import { logger } from "@/lib/logger";

/**
 * The point upsert for rows produced by `inputSql` (columns "seriesKey", ts, value; one row per key,
 * in the write's lock order): new points are inserted, existing ones whose value differs are
 * updated, and it returns, per series, the rows it inserted or changed. Two data-modifying steps
 * rather than one ON CONFLICT DO UPDATE because "DataPoint" is partitioned, and a partitioned
 * table cannot return `xmax`, which told an inserted row from an updated one. Both steps share the
 * statement's snapshot, so the update sees only points that existed before it (never the ones
 * just inserted); it runs only over the rows the insert skipped.
 */
export function upsertPointsSql(inputSql: string): string {
  // ts at the column's precision, so the rows the insert returns match their input rows exactly.
  return `WITH input AS MATERIALIZED (SELECT "seriesKey", ts::timestamptz(3) AS ts, value FROM (${inputSql}) x),
    inserted AS (
      INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT "seriesKey", ts, value FROM input
      ON CONFLICT ("seriesKey", ts) DO NOTHING
      RETURNING "seriesKey", ts),
    updated AS (
      UPDATE "DataPoint" p SET value = i.value
      FROM (SELECT * FROM input i WHERE NOT EXISTS (SELECT 1 FROM inserted n WHERE n."seriesKey" = i."seriesKey" AND n.ts = i.ts)) i
      WHERE p."seriesKey" = i."seriesKey" AND p.ts = i.ts AND p.value IS DISTINCT FROM i.value
      RETURNING p."seriesKey", p.ts),
    w AS (SELECT "seriesKey", ts, true AS inserted FROM inserted UNION ALL SELECT "seriesKey", ts, false FROM updated)
    SELECT "seriesKey", count(*)::int AS n,
      round(extract(epoch from min(ts)) * 1000)::float8 AS first,
      bool_or(NOT inserted) AS updated
    FROM w GROUP BY "seriesKey"`;
}

export interface SeriesChange {
  /** Points inserted or changed. */
  n: number;
  /** Earliest inserted or changed point, epoch ms. */
  first: number;
  /** Some existing point got a new value. */
  updated: boolean;
}

export type Changes = Map<string, SeriesChange>;

export type UpsertRow = { seriesKey: number; n: number; first: number; updated: boolean };

/** The upsert's rows, keyed by series id (`ids`: series id by series key). */
export function addChanges(into: Changes, rows: UpsertRow[], ids: Map<number, string>): void {
  for (const r of rows) {
    const id = ids.get(r.seriesKey)!;
    const had = into.get(id);
    into.set(id, had ? { n: had.n + r.n, first: Math.min(had.first, r.first), updated: had.updated || r.updated } : { n: r.n, first: r.first, updated: r.updated });
  }
}

/** The write's pending re-check (an `IngestCheck` id), or null when it changed nothing. */
export type CheckId = string | null;

/**
 * In the write's transaction, leaves a RedetectRequest for every enabled detector of a changed
 * series, for the subject the series is scored in (itself, or its group), whose change may have
 * been scored already: a point at or before the pair's watermark, or any changed value (a detect
 * run reading the old value may be committing past it right now). The watermark is read without a
 * lock: ingest never waits for a detection commit. A filed request starts at the pair's earliest
 * change, late or not: a point inserted past the watermark in the same write may be inside a page
 * a run is committing, and nothing else re-checks a pair that was filed. In the same statement it
 * records the re-check to make after the commit (`IngestCheck`: the changed series, their earliest
 * changes, the pairs filed, and the transaction's id: `pg_current_xact_id()`, the top-level xid8
 * even inside a savepoint, the transaction that commits the points) and returns its id for
 * `recheckAfterCommit`.
 */
export async function requestRedetectForChanges(client: pg.ClientBase, changes: Changes): Promise<CheckId> {
  if (changes.size === 0) return null;
  const ids = [...changes.keys()];
  // Named: parsed once per connection (planned per call for its values: pg-pool.ts), as it runs in every write. DetectorState is probed by
  // primary key per pair (LATERAL ... LIMIT 1): as a join it was planned as a scan of every row.
  const { rows } = await client.query<{ id: string }>({
    name: "vigil.requestRedetectForChanges",
    text: `WITH c AS (
       SELECT ds."detectorId" AS d, x.subject AS s, min(v.first) AS first,
         min(v.first) FILTER (WHERE v.updated OR (st.watermark IS NOT NULL AND to_timestamp(v.first / 1000.0) <= st.watermark)) AS late
       FROM unnest($1::text[], $2::float8[], $3::boolean[]) AS v(s, first, updated)
       JOIN "DetectorSeries" ds ON ds."seriesId" = v.s
       JOIN "Detector" d ON d.id = ds."detectorId" AND d.enabled
       LEFT JOIN "SeriesGroupMember" m ON d.grouping IS NOT NULL AND m."detectorId" = ds."detectorId" AND m."seriesId" = v.s
       CROSS JOIN LATERAL (SELECT COALESCE(m."groupId", v.s) AS subject) x
       LEFT JOIN LATERAL (SELECT watermark FROM "DetectorState" WHERE "detectorId" = ds."detectorId" AND "subjectId" = x.subject LIMIT 1) st ON true
       WHERE d.grouping IS NULL OR m."groupId" IS NOT NULL
       GROUP BY ds."detectorId", x.subject
     ), filed AS (
       INSERT INTO "RedetectRequest" ("detectorId", "subjectId", "fromTs", "updatedAt")
       SELECT d, s, to_timestamp(first / 1000.0), now() FROM c WHERE late IS NOT NULL
       ORDER BY d, s
       ON CONFLICT ("detectorId", "subjectId") DO UPDATE
         SET "fromTs" = LEAST("RedetectRequest"."fromTs", EXCLUDED."fromTs"), "updatedAt" = now()
     )
     INSERT INTO "IngestCheck" ("seriesIds", firsts, "filedDetectorIds", "filedSubjectIds", xid)
     SELECT $1::text[], ARRAY(SELECT to_timestamp(f / 1000.0) FROM unnest($2::float8[]) WITH ORDINALITY AS u(f, o) ORDER BY o),
       ARRAY(SELECT d FROM c WHERE late IS NOT NULL ORDER BY d, s), ARRAY(SELECT s FROM c WHERE late IS NOT NULL ORDER BY d, s),
       pg_current_xact_id()
     RETURNING id::text`,
    values: [ids, ids.map((id) => changes.get(id)!.first), ids.map((id) => changes.get(id)!.updated)],
  });
  return rows[0].id;
}

/** Re-checks older than this are taken to be abandoned by their write (its process died or lost its connection). */
export const RECHECK_STALE_MS = 10_000;

/**
 * The write's second check, AFTER its commit: a point it inserted past the watermark it read may
 * be inside a page a detect run is committing right now, read before this write committed. Either
 * the run's re-count after its commit sees the point (lib/server/queries/verify-pages.ts), or that
 * commit came first and this check sees the watermark past the point (the reasoning is in
 * lib/pipeline/README.md). It probes the CURRENT pairs of the written series (a detector attached
 * or a group formed since the write's snapshot is checked too), except those the write's
 * transaction filed, and deletes the `IngestCheck` rows it made: one statement.
 *
 * A pair past the write's earliest point files nothing when its last committed page provably read
 * the write: the page (seenAfter, seenUpTo] holds every point of the write up to the watermark
 * (seenAfter < first, watermark <= seenUpTo) and the write's transaction is visible in the snapshot
 * the page was read with (`pg_visible_in_snapshot`). Then the run scored exactly the points stored,
 * and a rewind would only score them again. A rewind or a model install clears `seenUpTo`.
 */
export async function recheckAfterCommit(db: Pick<pg.ClientBase, "query">, checkId: CheckId): Promise<void> {
  if (checkId === null) return;
  await db.query({ name: "vigil.recheckAfterCommit", text: recheckSql(`id = $1::bigint`), values: [checkId] });
}

/**
 * `recheckAfterCommit` for a write whose points are committed: a failure is logged, not thrown, so
 * the write still answers 2xx; its `IngestCheck` row stays and the reconciler re-runs it.
 */
export async function recheckOrLeave(db: Pick<pg.ClientBase, "query">, checkId: CheckId): Promise<void> {
  try {
    await recheckAfterCommit(db, checkId);
  } catch (err) {
    logger.warn({ err, checkId }, "the re-check after a write's commit failed; the reconciler will make it");
  }
}

/** The reconciler's part: re-runs the re-checks left for `staleMs` by writes that died after their commit. Returns how many. */
export async function recheckStale(db: Pick<pg.ClientBase, "query">, staleMs = RECHECK_STALE_MS): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`${recheckSql(`"createdAt" < now() - $1 * interval '1 millisecond'`)}`, [staleMs]);
  return rows[0]?.n ?? 0;
}

/** DetectorState is probed by primary key per pair (LATERAL ... LIMIT 1), as in `requestRedetectForChanges`. */
function recheckSql(which: string): string {
  return `WITH chk AS (
      DELETE FROM "IngestCheck" WHERE id IN (SELECT id FROM "IngestCheck" WHERE ${which} ORDER BY id FOR UPDATE SKIP LOCKED)
      RETURNING id, "seriesIds", firsts, "filedDetectorIds", "filedSubjectIds", xid
    ), c AS (
      SELECT chk.id AS k, chk.xid, ds."detectorId" AS d, COALESCE(m."groupId", v.s) AS s, min(v.first) AS first
      FROM chk CROSS JOIN LATERAL unnest(chk."seriesIds", chk.firsts) AS v(s, first)
      JOIN "DetectorSeries" ds ON ds."seriesId" = v.s
      JOIN "Detector" d ON d.id = ds."detectorId" AND d.enabled
      LEFT JOIN "SeriesGroupMember" m ON d.grouping IS NOT NULL AND m."detectorId" = ds."detectorId" AND m."seriesId" = v.s
      WHERE (d.grouping IS NULL OR m."groupId" IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM unnest(chk."filedDetectorIds", chk."filedSubjectIds") AS f(d, s) WHERE f.d = ds."detectorId" AND f.s = COALESCE(m."groupId", v.s))
      GROUP BY 1, 2, 3, 4
    ), late AS (
      SELECT c.d, c.s, min(c.first) AS first
      FROM c CROSS JOIN LATERAL (
        SELECT watermark, "seenAfter", "seenUpTo", "seenSnapshot" FROM "DetectorState" WHERE "detectorId" = c.d AND "subjectId" = c.s LIMIT 1) st
      WHERE c.first <= st.watermark
        -- Unknown (a NULL: no page recorded, a check from before xid was kept) is not proof: filed.
        AND NOT COALESCE(c.first > st."seenAfter" AND st.watermark <= st."seenUpTo" AND pg_visible_in_snapshot(c.xid, st."seenSnapshot"), false)
      GROUP BY 1, 2
    ), filed AS (
      INSERT INTO "RedetectRequest" ("detectorId", "subjectId", "fromTs", "updatedAt")
      SELECT d, s, first, now() FROM late
      ORDER BY d, s
      ON CONFLICT ("detectorId", "subjectId") DO UPDATE
        SET "fromTs" = LEAST("RedetectRequest"."fromTs", EXCLUDED."fromTs"), "updatedAt" = now()
    )
    SELECT count(*)::int AS n FROM chk`;
}
