/**
 * The commit of a batched detect run (detect-batch.ts): ONE transaction for the batch.
 */
import { getPrisma } from "@/lib/server/db";
import type { Scorer } from "@/lib/pipeline/scoring";
import { applyIncidents, type IncidentWrite } from "@/lib/server/queries/incidents";
import { ringAlerts } from "@/lib/alerting/doorbell";
import { saveSnapshot } from "@/lib/server/queries/redetect";

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
}

/**
 * Locks the pairs' rows (key order: two batches never deadlock), keeps the pairs still at the
 * version they were scored from whose range holds exactly the points scored, writes their
 * incidents and snapshots, and moves their watermarks. Returns the pairs saved and the severities
 * of the incidents it created.
 */
export function commitBatch(
  detectorId: string,
  writes: PairWrite[],
  start: Map<string, BatchStart & { version: number }>,
  grouped: boolean,
): Promise<{ saved: Set<string>; createdSeverities: string[] }> {
  return getPrisma().$transaction(async (tx) => {
    const createdSeverities: string[] = [];
    const ids = writes.map((w) => w.seriesId);
    const locked = await tx.$queryRaw<{ seriesId: string; version: number }[]>`
      SELECT "subjectId" AS "seriesId", version FROM "DetectorState"
      WHERE "detectorId" = ${detectorId} AND "subjectId" = ANY(${ids}::text[])
      ORDER BY "subjectId" FOR UPDATE`;
    const now = new Map(locked.map((l) => [l.seriesId, l.version]));
    // Points stored in (watermark, new watermark] now, over a group's members: more than were
    // scored means one landed inside the page meanwhile (see countPointsIn); that pair is not saved
    // and re-runs. A separate statement after the lock: one statement's snapshot predates the locks
    // it waits for.
    const flat = writes.flatMap((w) => start.get(w.seriesId)!.members.map((m) => ({ w, m })));
    const counted = await tx.$queryRaw<{ seriesId: string; n: number }[]>`
      SELECT v.s AS "seriesId", sum((SELECT count(*) FROM "DataPoint" p
        WHERE p."seriesKey" = (SELECT key FROM "Series" WHERE id = v.m) AND p.ts > COALESCE(NULLIF(v.after, '')::timestamptz, '-infinity'::timestamptz) AND p.ts <= v.upto::timestamptz))::int AS n
      FROM unnest(${flat.map((f) => f.w.seriesId)}::text[], ${flat.map((f) => f.m)}::text[], ${flat.map((f) => start.get(f.w.seriesId)!.watermark?.toISOString() ?? "")}::text[], ${flat.map((f) => f.w.next.toISOString())}::text[]) AS v(s, m, after, upto)
      GROUP BY v.s`;
    const stored = new Map(counted.map((c) => [c.seriesId, c.n]));
    const notify: string[] = [];
    const ok = writes.filter((w) => now.get(w.seriesId) === start.get(w.seriesId)!.version && stored.get(w.seriesId) === w.points);
    for (const w of ok) {
      const cp = start.get(w.seriesId)!;
      if (w.found.length > 0) {
        const changes = await applyIncidents(tx, detectorId, { id: w.seriesId, groupId: grouped ? w.seriesId : null }, { after: cp.watermark, upTo: w.next }, w.found);
        createdSeverities.push(...changes.createdSeverities);
        notify.push(...changes.notify);
      }
      if (w.snapshot) await saveSnapshot(tx, detectorId, w.seriesId, w.next, w.snapshot, cp.modelId);
    }
    if (ok.length > 0) {
      await tx.$executeRaw`
        UPDATE "DetectorState" s SET watermark = v.wm::timestamptz, version = s.version + 1, "updatedAt" = now()
        FROM unnest(${ok.map((w) => w.seriesId)}::text[], ${ok.map((w) => w.next.toISOString())}::text[]) AS v(s, wm)
        WHERE s."detectorId" = ${detectorId} AND s."subjectId" = v.s`;
    }
    return { saved: new Set(ok.map((w) => w.seriesId)), createdSeverities, notify };
  }, { timeout: 60_000, maxWait: 10_000 }).then(({ saved, createdSeverities, notify }) => {
    ringAlerts(notify);
    return { saved, createdSeverities };
  });
}
