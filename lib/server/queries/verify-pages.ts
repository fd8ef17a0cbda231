/**
 * The re-count of committed pages, made durable. A detection commit records on its `DetectorState`
 * row the range it moved the watermark over and how many points it scored there (`verifySet`, in
 * the commit's own statement); the re-count after the commit counts the range again and clears
 * the record in one statement (`requestRedetectForMissed`). A worker killed, or PostgreSQL
 * restarted, between the two leaves the record, and the reconciler re-counts records left for
 * `STALE_MS` (`recountStalePages`): a re-count made any time after its commit is as good as one made
 * at once (lib/pipeline/README.md, "A point committed while a page is being scored").
 */
import { Prisma } from "@/lib/generated/prisma/client";
import { getPgPool } from "@/lib/server/pg-pool";

/** Records older than this are taken to be abandoned by their run. */
export const STALE_MS = 10_000;

/**
 * SET clauses adding a page (after, upTo] with `scored` points to the row's record. A record
 * still pending (its run died before the re-count) is joined when the page continues it (the
 * watermark only moved forward since); a page elsewhere (a rewind came between) makes the count
 * unknown (-1), and the re-count then re-detects from the record's start. A page from no
 * watermark starts 1 ms before 1970 (BEFORE_FIRST_POINT, lib/server/queries/redetect.ts): before
 * any point ingest accepts. The page also replaces the row's `seen` record: its range and `seen`,
 * the snapshot its points were read with (text, or NULL: unknown), which the writes' re-checks
 * consult (lib/ingest/changes.ts). `after`, `upTo`, `scored` and `seen` are SQL expressions
 * (parameters or the columns of a batch's unnest).
 */
export function verifySet(after: Prisma.Sql, upTo: Prisma.Sql, scored: Prisma.Sql, seen: Prisma.Sql, row = Prisma.sql`"DetectorState"`): Prisma.Sql {
  const start = Prisma.sql`COALESCE(${after}, '1969-12-31T23:59:59.999Z'::timestamptz)`;
  return Prisma.sql`
    "verifyScored" = CASE WHEN ${row}."verifyUpTo" IS NULL THEN ${scored}
      WHEN ${row}."verifyUpTo" = ${start} AND ${row}."verifyScored" >= 0 THEN ${row}."verifyScored" + ${scored} ELSE -1 END,
    "verifyAfter" = LEAST(${row}."verifyAfter", ${start}),
    "verifyUpTo" = GREATEST(${row}."verifyUpTo", ${upTo}),
    "verifySince" = now(),
    "seenAfter" = ${start}, "seenUpTo" = ${upTo}, "seenSnapshot" = ${seen}::pg_snapshot`;
}

/**
 * Re-counts the pending records `which` selects (a condition on `st`, a `DetectorState` row) and
 * clears them; for each whose range holds more points than were scored, leaves a RedetectRequest
 * from just past the range's start. Fewer points than scored is not a miss (retention or a
 * deleted series removed some): it files nothing, or retention would rewind a pair again and
 * again. A record is cleared only while its row is at the version counted: a commit that came
 * between added its page to the record, and its own re-count counts it all. Rows are locked in
 * key order, as the batch commit locks them; `skipLocked` passes over rows a commit holds.
 */
async function recount(name: string, which: string, values: unknown[], skipLocked: boolean): Promise<{ detectorId: string; subjectId: string }[]> {
  // Plain pg, named: the page path runs it after every commit; Prisma's unnamed statements, parsed and
  // planned afresh, were most of its PostgreSQL CPU (named: parsed once per connection, planned per call, pg-pool.ts). Its commit does not wait for the
  // WAL flush (synchronous_commit off, for this transaction only): a crash may lose the cleared
  // record and the request together, and the record left is then re-counted by the reconciler.
  // Each subject's series are probed by primary key (LATERAL ... LIMIT 1): as `s.id IN (...)` the
  // count was planned as a hash semi-join over a sequential scan of every Series row, per pair.
  const { rows } = await getPgPool().query<{ detectorId: string; subjectId: string }>({
    name,
    text: `
    WITH async AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true) AS v),
    c AS (
      SELECT st."detectorId", st."subjectId", st.version, st."verifyAfter" AS after, st."verifyScored" AS scored,
        (SELECT count(*) FROM (SELECT st."subjectId" AS id UNION SELECT m."seriesId" FROM "SeriesGroupMember" m WHERE m."groupId" = st."subjectId") x
         CROSS JOIN LATERAL (SELECT key FROM "Series" WHERE id = x.id LIMIT 1) s
         JOIN "DataPoint" p ON p."seriesKey" = s.key AND p.ts > st."verifyAfter" AND p.ts <= st."verifyUpTo") AS n
      FROM async, "DetectorState" st WHERE ${which} AND st."verifyUpTo" IS NOT NULL
    ), locked AS MATERIALIZED (
      SELECT st."detectorId", st."subjectId", st.version FROM "DetectorState" st
      WHERE ${which} AND st."verifyUpTo" IS NOT NULL
      ORDER BY st."detectorId", st."subjectId" FOR UPDATE${skipLocked ? " SKIP LOCKED" : ""}
    ), cleared AS (
      UPDATE "DetectorState" s SET "verifyAfter" = NULL, "verifyUpTo" = NULL, "verifyScored" = NULL, "verifySince" = NULL
      FROM c JOIN locked l ON l."detectorId" = c."detectorId" AND l."subjectId" = c."subjectId" AND l.version = c.version
      WHERE s."detectorId" = c."detectorId" AND s."subjectId" = c."subjectId"
      RETURNING c."detectorId", c."subjectId", c.after, c.scored, c.n
    )
    INSERT INTO "RedetectRequest" ("detectorId", "subjectId", "fromTs", "updatedAt")
    SELECT "detectorId", "subjectId", after + interval '1 millisecond', now() FROM cleared
    WHERE n > scored
    ORDER BY 1, 2
    ON CONFLICT ("detectorId", "subjectId") DO UPDATE
      SET "fromTs" = LEAST("RedetectRequest"."fromTs", EXCLUDED."fromTs"), "updatedAt" = now()
    RETURNING "detectorId", "subjectId"`,
    values,
  });
  return rows;
}

/**
 * The re-count a detect run makes right AFTER its commit, of the pages it just committed (one
 * statement for a page or a batch). Returns the subjects that missed a point: a RedetectRequest
 * now waits for them.
 */
export async function requestRedetectForMissed(detectorId: string, subjectIds: string[]): Promise<Set<string>> {
  if (subjectIds.length === 0) return new Set();
  const rows = await recount("vigil.recountPages", `st."detectorId" = $1 AND st."subjectId" = ANY($2::text[])`, [detectorId, subjectIds], false);
  return new Set(rows.map((r) => r.subjectId));
}

/** The reconciler's part: re-counts records left pending for `STALE_MS` (their run died or lost its connection). */
export async function recountStalePages(staleMs = STALE_MS): Promise<{ detectorId: string; subjectId: string }[]> {
  return recount("vigil.recountStalePages", `st."verifySince" < now() - $1::int * interval '1 millisecond'`, [staleMs], true);
}
