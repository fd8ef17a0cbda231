/**
 * Re-detection by rewinding the stream. A late or corrected point, a backfill request or a
 * threshold change leaves a RedetectRequest (coalesced per pair: the earliest `fromTs` wins); the
 * next detect run of the pair rewinds its checkpoint to the newest snapshot before `fromTs` and
 * streams forward again over the stored points. The result is, by construction, exactly what
 * streaming the points as they are now would have given, whatever arrived late or how it was paged.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";

/** A snapshot is taken when this many points were scored since the last one (at a page end). */
export const SNAPSHOT_POINTS = 2_000;
/** Snapshots kept per pair (besides the one a trained model was installed at). */
export const SNAPSHOT_KEEP = 8;
/** Position of a snapshot taken before any point was scored (a model installed on a fresh pair). */
export const BEFORE_FIRST_POINT = new Date(0);

/**
 * Asks for re-detection of the pairs from `from` on (earliest request wins). Inside a write
 * transaction it commits with the write, so a crash cannot lose it.
 */
export async function requestRedetect(db: Prisma.TransactionClient, pairs: { detectorId: string; subjectId: string }[], from: Date): Promise<void> {
  if (pairs.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "RedetectRequest" ("detectorId", "subjectId", "fromTs", "updatedAt")
    SELECT v.d, v.s, ${from}, now() FROM unnest(${pairs.map((p) => p.detectorId)}::text[], ${pairs.map((p) => p.subjectId)}::text[]) AS v(d, s)
    ORDER BY v.d, v.s
    ON CONFLICT ("detectorId", "subjectId") DO UPDATE SET "fromTs" = LEAST("RedetectRequest"."fromTs", EXCLUDED."fromTs"), "updatedAt" = now()`;
}

export interface Rewind {
  /** Where scoring restarts (null: from the first point). */
  watermark: Date | null;
  /** The watermark before the rewind: until scoring passes it, every page reconciles incidents. */
  until: Date;
}

/**
 * Applies the pair's pending request, if any, under the DetectorState row lock: the checkpoint
 * becomes the newest snapshot before `fromTs` with the pair's current model (a trained pair never
 * rewinds past the snapshot its model was installed at; an untrained one with no snapshot restarts
 * from the first point), later snapshots are dropped, and the request is removed. A request at or
 * past the watermark only asks for what streaming does anyway and is dropped.
 */
export async function applyRedetectRequest(detectorId: string, subjectId: string): Promise<Rewind | null> {
  return getPrisma().$transaction(async (tx) => {
    const [st] = await tx.$queryRaw<{ watermark: Date | null; modelId: string | null; redetectUntil: Date | null }[]>`
      SELECT watermark, "modelId", "redetectUntil" FROM "DetectorState" WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} FOR UPDATE`;
    const [req] = await tx.$queryRaw<{ fromTs: Date }[]>`
      DELETE FROM "RedetectRequest" WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} RETURNING "fromTs"`;
    if (!st || !req || !st.watermark || req.fromTs > st.watermark) return null;
    const [snap] = await tx.$queryRaw<{ ts: Date }[]>`
      (SELECT ts FROM "DetectorSnapshot"
       WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} AND ts < ${req.fromTs} AND "modelId" IS NOT DISTINCT FROM ${st.modelId}
       ORDER BY ts DESC LIMIT 1)
      UNION ALL
      (SELECT ts FROM "DetectorSnapshot"
       WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} AND "modelId" = ${st.modelId}
       ORDER BY ts LIMIT 1)
      LIMIT 1`;
    const until = new Date(Math.max(st.watermark.getTime(), st.redetectUntil?.getTime() ?? 0));
    const watermark = snap && snap.ts.getTime() !== BEFORE_FIRST_POINT.getTime() ? snap.ts : null;
    await tx.$executeRaw`
      UPDATE "DetectorState" SET watermark = ${watermark}, version = version + 1, "redetectUntil" = ${until}, "updatedAt" = now(), "seenUpTo" = NULL
      WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId}`;
    await tx.$executeRaw`
      DELETE FROM "DetectorSnapshot" WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} AND (${snap?.ts ?? null}::timestamptz IS NULL OR ts > ${snap?.ts ?? null}::timestamptz)`;
    return { watermark, until };
  });
}

/**
 * The newest snapshot at or before `watermark` (a pair at no watermark: the one taken before its
 * first point, if a model was installed then) built with `modelId`.
 */
export async function readSnapshot(detectorId: string, subjectId: string, watermark: Date | null, modelId: string | null) {
  const [row] = await getPrisma().$queryRaw<{ ts: Date; state: unknown }[]>`
    SELECT ts, state FROM "DetectorSnapshot"
    WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} AND ts <= ${watermark ?? BEFORE_FIRST_POINT}
      AND "modelId" IS NOT DISTINCT FROM ${modelId}
    ORDER BY ts DESC LIMIT 1`;
  if (!row) return null;
  return { watermark: row.ts.getTime() === BEFORE_FIRST_POINT.getTime() ? null : row.ts, state: row.state };
}

/** Saves a snapshot at `ts` and prunes: keeps the newest SNAPSHOT_KEEP of the current model and the one it was installed at. */
export async function saveSnapshot(tx: Prisma.TransactionClient, detectorId: string, subjectId: string, ts: Date, state: string, modelId: string | null) {
  await tx.$executeRaw`
    INSERT INTO "DetectorSnapshot" ("detectorId", "subjectId", ts, state, "modelId") VALUES (${detectorId}, ${subjectId}, ${ts}, ${state}::json, ${modelId})
    ON CONFLICT ("detectorId", "subjectId", ts) DO UPDATE SET state = EXCLUDED.state, "modelId" = EXCLUDED."modelId", "createdAt" = now()`;
  await tx.$executeRaw`
    DELETE FROM "DetectorSnapshot" x WHERE x."detectorId" = ${detectorId} AND x."subjectId" = ${subjectId}
      AND (x."modelId" IS DISTINCT FROM ${modelId}
        OR (x.ts < (SELECT ts FROM "DetectorSnapshot" WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} ORDER BY ts DESC OFFSET ${SNAPSHOT_KEEP - 1} LIMIT 1)
            AND x.ts <> COALESCE((SELECT min(ts) FROM "DetectorSnapshot" WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} AND "modelId" = ${modelId}), 'infinity')))`;
}
