/**
 * The commit of a batched detect run (detect-batch.ts): ONE transaction for the batch.
 */
import { getPrisma } from "@/lib/server/db";
import type { Scorer } from "@/lib/pipeline/scoring";
import { applyIncidents, type IncidentWrite } from "@/lib/server/queries/incidents";
import { ringAlerts } from "@/lib/alerting/doorbell";
import { saveSnapshot } from "@/lib/server/queries/redetect";
import { requestRedetectForMissed, verifySet } from "@/lib/server/queries/verify-pages";
import { Prisma } from "@/lib/generated/prisma/client";
import { timed } from "@/lib/pipeline/timings";

/** A subject's position as the batch read it. */
export interface BatchStart {
  /** The subject: a series, or a group. */
  seriesId: string;
  /** Its series in vector order (the series itself for an ungrouped detector). */
  members: string[];
  watermark: Date | null;
  /** null: no DetectorState row yet. */
  version: number | null;
  modelId: string | null;
  redetectUntil: Date | null;
}

export interface PairWrite {
  seriesId: string;
  scorer: Scorer;
  found: IncidentWrite[];
  snapshot: string | null;
  next: Date;
  points: number;
  /** The snapshot the page was read with (`StepPage.seen`). */
  seen: string | null;
}

/**
 * Locks the pairs' rows (key order: two batches never deadlock), keeps the pairs still at the
 * version they were scored from, writes their incidents and snapshots, and moves their watermarks,
 * recording each page for the re-count. After the commit, re-counts the saved pairs' pages
 * (`requestRedetectForMissed`), then rings the alerts of the pairs that passed it. Returns the
 * pairs saved, those of them that missed a point (a RedetectRequest now waits for them: the caller
 * re-runs them and rings `notify`, their incidents), and the severities of the incidents it created.
 */
export function commitBatch(
  detectorId: string,
  writes: PairWrite[],
  start: Map<string, BatchStart & { version: number }>,
  grouped: boolean,
  hooks: {
    /** Test hook: runs inside the transaction just before it commits. */
    beforeCommit?: () => Promise<unknown>;
    /** Test hook: runs after the commit, before the re-count (where a killed worker stops). */
    afterCommit?: () => Promise<unknown>;
  } = {},
): Promise<{ saved: Set<string>; missed: Set<string>; createdSeverities: string[]; notify: string[] }> {
  return getPrisma().$transaction(async (tx) => {
    const createdSeverities: string[] = [];
    const notify = new Map<string, string[]>();
    // ONE statement locks the rows (key order: two batches never deadlock), keeps those still at
    // the version their pair was scored from and moves them; the incidents and snapshots of the
    // moved pairs follow under the locks it holds. (Before: a FOR UPDATE of every pair, then the UPDATE.)
    // The UPDATE finds its rows by key and version, not by the locked tuple's ctid: a row another transaction
    // changed without a version bump (the re-count's clear) while this one waited is newer than this statement's
    // snapshot, so a ctid match would miss it and report a pair at its version superseded.
    const verify = verifySet(Prisma.sql`l.after`, Prisma.sql`l.wm`, Prisma.sql`l.scored`, Prisma.sql`l.seen`, Prisma.sql`s`);
    const moved = writes.length === 0 ? [] : await tx.$queryRaw<{ seriesId: string }[]>`
      WITH v AS (
        SELECT * FROM unnest(${writes.map((w) => w.seriesId)}::text[], ${writes.map((w) => start.get(w.seriesId)!.version)}::int[],
          ${writes.map((w) => w.next.toISOString())}::timestamptz[], ${writes.map((w) => start.get(w.seriesId)!.watermark?.toISOString() ?? null)}::timestamptz[],
          ${writes.map((w) => w.points)}::int[], ${writes.map((w) => w.seen)}::text[]) AS v(s, ver, wm, after, scored, seen)),
      l AS MATERIALIZED (
        SELECT v.* FROM "DetectorState" s JOIN v ON s."subjectId" = v.s
        WHERE s."detectorId" = ${detectorId} AND s.version = v.ver
        ORDER BY s."subjectId" FOR UPDATE OF s)
      UPDATE "DetectorState" s SET watermark = l.wm, version = s.version + 1, "updatedAt" = now(), ${verify}
      FROM l WHERE s."detectorId" = ${detectorId} AND s."subjectId" = l.s AND s.version = l.ver
      RETURNING s."subjectId" AS "seriesId"`;
    const saved = new Set(moved.map((m) => m.seriesId));
    const ok = writes.filter((w) => saved.has(w.seriesId));
    for (const w of ok) {
      const cp = start.get(w.seriesId)!;
      if (w.found.length > 0) {
        const changes = await applyIncidents(tx, detectorId, { id: w.seriesId, groupId: grouped ? w.seriesId : null }, { after: cp.watermark, upTo: w.next }, w.found);
        createdSeverities.push(...changes.createdSeverities);
        notify.set(w.seriesId, changes.notify);
      }
      if (w.snapshot) await saveSnapshot(tx, detectorId, w.seriesId, w.next, w.snapshot, cp.modelId);
    }
    await hooks.beforeCommit?.();
    return { ok, createdSeverities, notify };
  }, { timeout: 60_000, maxWait: 10_000 }).then(async ({ ok, createdSeverities, notify }) => {
    await hooks.afterCommit?.();
    // The re-count after the commit (lib/server/queries/verify-pages.ts): a pair whose range gained
    // a point while it was scored is saved, and left a request that rewinds it.
    const missed = await timed("batch.recount", () => requestRedetectForMissed(detectorId, ok.map((w) => w.seriesId)));
    ringAlerts([...notify].flatMap(([s, ids]) => (missed.has(s) ? [] : ids)));
    return { saved: new Set(ok.map((w) => w.seriesId)), missed, createdSeverities, notify: [...notify].flatMap(([s, ids]) => (missed.has(s) ? ids : [])) };
  });
}
