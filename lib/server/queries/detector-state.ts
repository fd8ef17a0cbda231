/**
 * Named queries for the per (detector, subject) checkpoint. A subject is a series (its id is the
 * series id) or a group of series (a SeriesGroup id, lib/server/queries/subjects.ts). Every write to the checkpoint happens
 * under `lockDetectorState` (SELECT ... FOR UPDATE) inside the caller's transaction, so two runs of
 * the same pair serialize and a stale one can see that the watermark moved.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { packPoints, unpackPoints } from "@/lib/server/queries/packed-points";
import { MAX_TRAINING_POINTS, trainingWindow } from "@/lib/detection/training";
import { verifySet } from "@/lib/server/queries/verify-pages";

export interface Checkpoint {
  watermark: Date | null;
  /** Bumped by every commit to the row: a worker's cached state is valid for one version only. */
  version: number;
  /** The trained ModelVersion the state was built from; changes when `train.run` installs a model. */
  modelId: string | null;
  /** Set by a rewind: until scoring passes it, pages re-derive the incidents they cover. */
  redetectUntil: Date | null;
}

const CHECKPOINT = `watermark, version, "modelId", "redetectUntil"`;

/** Creates the row when missing so there is always something to lock. */
export async function ensureDetectorState(detectorId: string, subjectId: string): Promise<Checkpoint> {
  const prisma = getPrisma();
  await prisma.$executeRaw`
    INSERT INTO "DetectorState" ("detectorId", "subjectId", "updatedAt") VALUES (${detectorId}, ${subjectId}, now())
    ON CONFLICT ("detectorId", "subjectId") DO NOTHING`;
  return prisma.detectorState.findUniqueOrThrow({
    where: { detectorId_subjectId: { detectorId, subjectId } },
    select: { watermark: true, version: true, modelId: true, redetectUntil: true },
  });
}

export interface DetectRunStart {
  detector: { id: string; algorithm: string; params: unknown; threshold: number; enabled: boolean; grouping: unknown } | null;
  /** The series (univariate) or the group is the detector's. */
  attached: boolean;
  /** The subject's series in vector order: the series itself, or the group's members. */
  members: string[];
  /** The pair's checkpoint; null when the detector is missing, disabled or not attached (no row is created then). */
  checkpoint: Checkpoint | null;
  /** A RedetectRequest is pending for the pair (lib/server/queries/redetect.ts). */
  redetect: boolean;
}

/**
 * Everything a detect run needs before scoring, in ONE statement: the detector row, whether the
 * subject is the detector's (an attached series of an ungrouped detector, or one of its groups),
 * its members, and the pair's checkpoint (the row is created when missing, like
 * `ensureDetectorState`, but only for an enabled, attached detector). A row inserted by a
 * concurrent statement after this one's snapshot is invisible here: then `checkpoint` is null for
 * an enabled, attached detector and the caller falls back to `ensureDetectorState`.
 */
export async function startDetectRun(detectorId: string, subjectId: string): Promise<DetectRunStart> {
  // Plain pg, named: the statement runs once per detect run; Prisma's unnamed statements were parsed
  // and planned afresh each time (most of its PostgreSQL CPU then). Named, it is parsed once per
  // connection; it is still planned per call for its values (plan_cache_mode, pg-pool.ts).
  const { rows } = await getPgPool().query<
    { id: string; algorithm: string; params: unknown; threshold: number; enabled: boolean; grouping: unknown; attached: boolean; members: string[] | null; found: boolean; redetect: boolean } & Checkpoint
  >({
    name: "vigil.startDetectRun",
    text: `
    WITH d AS (
      SELECT d.id, d.algorithm, d.params, d.threshold, d.enabled, d.grouping,
        CASE WHEN d.grouping IS NULL
          THEN EXISTS (SELECT 1 FROM "DetectorSeries" ds WHERE ds."detectorId" = d.id AND ds."seriesId" = $2)
          ELSE EXISTS (SELECT 1 FROM "SeriesGroup" g WHERE g."detectorId" = d.id AND g.id = $2) END AS attached
      FROM "Detector" d WHERE d.id = $1
    ), ins AS (
      INSERT INTO "DetectorState" ("detectorId", "subjectId", "updatedAt")
      SELECT d.id, $2, now() FROM d WHERE d.enabled AND d.attached
      ON CONFLICT ("detectorId", "subjectId") DO NOTHING
      RETURNING watermark, version, "modelId", "redetectUntil"
    ), st AS (
      SELECT watermark, version, "modelId", "redetectUntil" FROM ins
      UNION ALL
      SELECT s.watermark, s.version, s."modelId", s."redetectUntil" FROM "DetectorState" s WHERE s."detectorId" = $1 AND s."subjectId" = $2
    )
    SELECT d.id, d.algorithm, d.params, d.threshold, d.enabled, d.grouping, d.attached, st.found, st.watermark, st.version, st."modelId", st."redetectUntil",
      EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = $1 AND r."subjectId" = $2) AS redetect,
      CASE WHEN d.grouping IS NOT NULL THEN (SELECT array_agg(m."seriesId" ORDER BY m.position) FROM "SeriesGroupMember" m WHERE m."groupId" = $2) END AS members
    FROM d LEFT JOIN LATERAL (SELECT true AS found, watermark, version, "modelId", "redetectUntil" FROM st LIMIT 1) st ON true`,
    values: [detectorId, subjectId],
  });
  const r = rows[0];
  if (!r) return { detector: null, attached: false, members: [], checkpoint: null, redetect: false };
  return {
    detector: { id: r.id, algorithm: r.algorithm, params: r.params, threshold: r.threshold, enabled: r.enabled, grouping: r.grouping },
    attached: r.attached,
    members: r.members ?? [subjectId],
    checkpoint: r.found ? { watermark: r.watermark, version: r.version, modelId: r.modelId, redetectUntil: r.redetectUntil } : null,
    redetect: r.redetect,
  };
}

/**
 * Compare-and-set of the scoring position: moves the watermark to `watermark` (version + 1) only
 * when the row is still at `expect.version`. The UPDATE takes the same row lock as SELECT ... FOR
 * UPDATE; a concurrent writer makes it wait, and PostgreSQL re-checks the condition on the
 * committed row, so a moved row updates nothing (false). The page (`page.after`, `watermark`] and
 * the points scored in it are recorded on the row for the re-count after the commit
 * (lib/server/queries/verify-pages.ts), and the page with the snapshot it was read with
 * (`page.seen`) for the writes' re-checks (lib/ingest/changes.ts).
 */
export async function advanceWatermarkIf(
  db: Prisma.TransactionClient,
  detectorId: string,
  subjectId: string,
  expect: { version: number },
  watermark: Date,
  redetectUntil: Date | null,
  page: { after: Date | null; scored: number; seen: string | null },
): Promise<boolean> {
  const verify = verifySet(Prisma.sql`${page.after}::timestamptz`, Prisma.sql`${watermark}::timestamptz`, Prisma.sql`${page.scored}::int`, Prisma.sql`${page.seen}::text`);
  const n = await db.$executeRaw`
    UPDATE "DetectorState" SET watermark = ${watermark}, version = version + 1, "redetectUntil" = ${redetectUntil}, "updatedAt" = now(), ${verify}
    WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} AND version = ${expect.version}`;
  return n === 1;
}

/**
 * Stored points of the subject's series in (after, upTo]: what the post-commit re-count counts
 * (scripts/bench-point-reads.ts measures it).
 */
export async function countPointsIn(db: Prisma.TransactionClient, members: string[], after: Date | null, upTo: Date): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "Series" s JOIN "DataPoint" p ON p."seriesKey" = s.key
    WHERE s.id = ANY(${members}::text[]) AND p.ts > COALESCE(${after}::timestamptz, '-infinity'::timestamptz) AND p.ts <= ${upTo}`;
  return rows[0].n;
}

export async function lockDetectorState(tx: Prisma.TransactionClient, detectorId: string, subjectId: string): Promise<Checkpoint | null> {
  const rows = await tx.$queryRawUnsafe<Checkpoint[]>(
    `SELECT ${CHECKPOINT} FROM "DetectorState" WHERE "detectorId" = $1 AND "subjectId" = $2 FOR UPDATE`,
    detectorId,
    subjectId,
  );
  return rows[0] ?? null;
}

/** Moves the pair's scoring position (version + 1); `modelId` when a model is installed. */
export async function saveDetectorState(
  tx: Prisma.TransactionClient,
  detectorId: string,
  subjectId: string,
  watermark: Date | null,
  opts: { modelId?: string; redetectUntil?: Date | null } = {},
): Promise<void> {
  await tx.detectorState.update({
    where: { detectorId_subjectId: { detectorId, subjectId } },
    // A model installed: the last page no longer vouches for what is scored (seenUpTo, lib/ingest/changes.ts).
    data: { watermark, version: { increment: 1 }, modelId: opts.modelId, redetectUntil: opts.redetectUntil, seenUpTo: null },
  });
}

/**
 * Every (enabled detector, subject) whose watermark is behind the newest point of its series, or
 * that has never run: the attached series of ungrouped detectors, the groups of grouped ones. One
 * statement; the (seriesId, ts) primary key answers max(ts).
 */
export function findLaggingPairs(): Promise<{ detectorId: string; subjectId: string }[]> {
  return getPrisma().$queryRaw<{ detectorId: string; subjectId: string }[]>`
    SELECT ds."detectorId", ds."seriesId" AS "subjectId"
    FROM "DetectorSeries" ds
    JOIN "Detector" d ON d.id = ds."detectorId" AND d.enabled AND d.grouping IS NULL
    CROSS JOIN LATERAL (SELECT max(p.ts) AS latest FROM "DataPoint" p WHERE p."seriesKey" = (SELECT key FROM "Series" WHERE id = ds."seriesId")) m
    LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = ds."seriesId"
    WHERE m.latest IS NOT NULL AND (st.watermark IS NULL OR st.watermark < m.latest
      OR EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ds."detectorId" AND r."subjectId" = ds."seriesId"))
    UNION ALL
    SELECT g."detectorId", g.id
    FROM "SeriesGroup" g
    JOIN "Detector" d ON d.id = g."detectorId" AND d.enabled AND d.grouping IS NOT NULL
    LEFT JOIN "DetectorState" st ON st."detectorId" = g."detectorId" AND st."subjectId" = g.id
    WHERE EXISTS (SELECT 1 FROM "SeriesGroupMember" gm JOIN "Series" gs ON gs.id = gm."seriesId" JOIN "DataPoint" p ON p."seriesKey" = gs.key
        WHERE gm."groupId" = g.id AND p.ts > COALESCE(st.watermark, '-infinity'::timestamptz))
      OR EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = g."detectorId" AND r."subjectId" = g.id)
    ORDER BY 1, 2`;
}

/**
 * The subjects of one detector in one shard (`lib/pipeline/shard.ts`, by subject id) that have
 * points past their watermark (or have never run), in key order: attached series of an ungrouped
 * detector, groups of a grouped one. Reads no state: one probe of the (seriesId, ts) primary key
 * per series of the shard.
 */
export async function findLaggingSubjects(detectorId: string, shardDigit: string, grouped: boolean): Promise<string[]> {
  const rows = grouped
    ? await getPrisma().$queryRaw<{ subjectId: string }[]>`
        SELECT g.id AS "subjectId"
        FROM "SeriesGroup" g
        LEFT JOIN "DetectorState" st ON st."detectorId" = g."detectorId" AND st."subjectId" = g.id
        WHERE g."detectorId" = ${detectorId} AND substr(md5(g.id), 1, 1) = ${shardDigit}
          AND (EXISTS (SELECT 1 FROM "SeriesGroupMember" gm JOIN "Series" gs ON gs.id = gm."seriesId" JOIN "DataPoint" p ON p."seriesKey" = gs.key
              WHERE gm."groupId" = g.id AND p.ts > COALESCE(st.watermark, '-infinity'::timestamptz))
            OR EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = g."detectorId" AND r."subjectId" = g.id))
        ORDER BY g.id`
    : await getPrisma().$queryRaw<{ subjectId: string }[]>`
        SELECT ds."seriesId" AS "subjectId"
        FROM "DetectorSeries" ds
        LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = ds."seriesId"
        WHERE ds."detectorId" = ${detectorId} AND substr(md5(ds."seriesId"), 1, 1) = ${shardDigit}
          AND (EXISTS (SELECT 1 FROM "DataPoint" p WHERE p."seriesKey" = (SELECT key FROM "Series" WHERE id = ds."seriesId") AND p.ts > COALESCE(st.watermark, '-infinity'::timestamptz))
            OR EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ds."detectorId" AND r."subjectId" = ds."seriesId"))
        ORDER BY ds."seriesId"`;
  return rows.map((r) => r.subjectId);
}

/**
 * Plain pg, one packed bytea per page (lib/server/queries/packed-points.ts): a detect run reads
 * 10k-point pages, and Prisma's row mapping, then PostgreSQL's float-to-text, cost more than the scoring.
 * Named (parsed once per connection, planned per call for its values: pg-pool.ts); Prisma's unnamed
 * statements, parsed and planned afresh, were half the backend CPU of a 1,000-point page.
 */
async function readPoints(name: string, sql: string, params: unknown[], descending = false): Promise<{ points: { ts: Date; value: number }[]; rest: unknown[] }> {
  const { rows } = await getPgPool().query<[Buffer | null, ...unknown[]]>({ name, text: sql, values: params, rowMode: "array" });
  const [packed, ...rest] = rows[0];
  const { ms, values } = unpackPoints(packed, descending);
  return { points: ms.map((t, i) => ({ ts: new Date(t), value: values[i] })), rest };
}

const PACKED = packPoints("q.ts", "q.value");

/**
 * Points after `after` (exclusive) and up to `until` (inclusive) in time order, at most `limit`,
 * and the snapshot they were read with (`pg_current_snapshot()` of the same statement, as text).
 */
export async function readPointsAfter(seriesId: string, after: Date | null, limit: number, until?: Date): Promise<{ points: { ts: Date; value: number }[]; seen: string }> {
  const { points, rest } = await readPoints(
    "vigil.readPointsAfter",
    `SELECT ${PACKED}, pg_current_snapshot()::text FROM (SELECT ts, value FROM "DataPoint"
       WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = $1) AND ts > COALESCE($2::timestamptz, '-infinity'::timestamptz) AND ts <= COALESCE($3::timestamptz, 'infinity'::timestamptz)
       ORDER BY ts LIMIT $4) q`,
    [seriesId, after, until ?? null, limit],
  );
  return { points, seen: rest[0] as string };
}

/** The last `limit` points before `before` (exclusive), returned in time order. */
export async function readPointsBefore(seriesId: string, before: Date, limit: number) {
  const { points } = await readPoints(
    "vigil.readPointsBefore",
    `SELECT ${PACKED} FROM (SELECT ts, value FROM "DataPoint" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = $1) AND ts < $2 ORDER BY ts DESC LIMIT $3) q`,
    [seriesId, before, limit],
    true,
  );
  return points;
}

/**
 * The training window (`trainingWindow`, lib/detection/training.ts) ending at the last point
 * before `before`: what `train.run` trains on, and the history the preview and re-scorings use.
 */
export async function readTrainingHistory(seriesId: string, before: Date, hours: number | null | undefined): Promise<{ t: number; value: number }[]> {
  const rows = await readPointsBefore(seriesId, before, MAX_TRAINING_POINTS);
  return trainingWindow(rows.map((r) => ({ t: r.ts.getTime(), value: r.value })), hours);
}

