/**
 * Writes what a detect run found to the incidents of one (detector, subject), keeping identities
 * (`lib/pipeline/incidents.ts` plans it). Called inside the run's commit transaction, under the
 * pair's DetectorState row lock, so two runs of a pair never interleave here. Set-based: one
 * statement per kind of change, however many incidents.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import { planIncidents, type IncidentState, type StoredIncident } from "@/lib/pipeline/incidents";
import { suppressingRule } from "@/lib/feedback/suppression";
import { loadRuleSpecs, shapeOf } from "@/lib/server/queries/suppression-apply";
import { leaveInOutbox } from "@/lib/server/queries/alert-outbox";
/**
 * An incident as the pipeline writes it (times as Dates, severity as the enum). The triage queue's
 * reads are in anomaly-list.ts, its writes in anomaly-triage.ts, the chart window in anomaly-window.ts.
 */
export interface IncidentWrite {
  /** The series it is shown and alerted under (for a group, the member with the largest share at the peak). */
  seriesId: string;
  startTs: Date;
  endTs: Date;
  peakTs: Date;
  peakScore: number;
  severity: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  pointCount: number;
  actual: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Still open at the watermark. */
  ongoing: boolean;
  /** Groups: each member's share of the peak's score and its direction. */
  attribution: MemberAttribution[] | null;
}

export interface MemberAttribution {
  seriesId: string;
  share: number;
  direction: "above" | "below";
}

/** What incidents are keyed by: a series (id = the series id, no group) or a group of series. */
export interface IncidentSubject {
  id: string;
  groupId: string | null;
}

export interface IncidentWindow {
  /** Points after this were re-scored (null: from the first point). */
  after: Date | null;
  /** Up to and including this point. */
  upTo: Date;
}

export interface IncidentChanges {
  created: number;
  /** Severity of each incident created, for lib/metrics (counted once the caller commits). */
  createdSeverities: IncidentWrite["severity"][];
  updated: number;
  merged: number;
  gone: number;
  /** Incidents left in the alert outbox (only while some alert rule is enabled): ring `notify.anomaly` for them after commit. */
  notify: string[];
}

/** Stored incidents the window's events may touch: those ending after its start (or still open) and starting in it. */
function findCandidates(tx: Prisma.TransactionClient, detectorId: string, subjectId: string, w: IncidentWindow) {
  return tx.$queryRaw<{ id: string; startTs: Date; endTs: Date; detection: IncidentState }[]>`
    SELECT id, "startTs", "endTs", detection FROM "Anomaly"
    WHERE "detectorId" = ${detectorId} AND "subjectId" = ${subjectId} AND "startTs" <= ${w.upTo}
      AND (${w.after}::timestamptz IS NULL OR "endTs" > ${w.after}::timestamptz OR ongoing)
    ORDER BY "startTs", id`;
}

export async function applyIncidents(
  tx: Prisma.TransactionClient,
  detectorId: string,
  subject: IncidentSubject,
  window: IncidentWindow,
  events: IncidentWrite[],
): Promise<IncidentChanges> {
  const rows = await findCandidates(tx, detectorId, subject.id, window);
  if (rows.length === 0 && events.length === 0) return { created: 0, createdSeverities: [], updated: 0, merged: 0, gone: 0, notify: [] };
  const stored: StoredIncident[] = rows.map((r) => ({ id: r.id, start: r.startTs.getTime(), end: r.endTs.getTime(), detection: r.detection }));
  const plan = planIncidents(
    stored,
    events.map((e) => ({ ...e, start: e.startTs.getTime(), end: e.endTs.getTime() })),
  );
  const activity: { id: string; kind: string; details: unknown }[] = [];

  const created = plan.create.map((c) => ({ id: randomUUID(), ...c }));
  for (const c of created) if (c.splitFrom) activity.push({ id: c.id, kind: "split", details: { from: c.splitFrom } });
  const writes = [...plan.update.map((u) => ({ id: u.id, event: u.event })), ...created.map((c) => ({ id: c.id, event: c.event }))];
  if (writes.length > 0) {
    // Suppression is an attribute of the incident, derived with it (lib/feedback/README.md).
    const rules = await loadRuleSpecs(tx, detectorId);
    const suppressed = writes.map((w) => suppressingRule(rules, { seriesId: w.event.seriesId, start: w.event.startTs.getTime(), peakScore: w.event.peakScore, shape: shapeOf(w.event) }));
    const rowsOf = (ws: typeof writes, sup: (string | null)[]) => {
      const col = <T>(f: (e: IncidentWrite) => T) => ws.map((w) => f(w.event));
      return [ws.map((w) => w.id), col((e) => e.startTs), col((e) => e.endTs), col((e) => e.peakTs), col((e) => e.peakScore), col((e) => e.severity),
        col((e) => e.pointCount), col((e) => e.actual), col((e) => e.expected), col((e) => e.lower), col((e) => e.upper), col((e) => e.ongoing), sup,
        col((e) => e.seriesId), col((e) => (e.attribution ? JSON.stringify(e.attribution) : null))] as const;
    };
    const u = plan.update.length;
    if (u > 0) {
      const [ids, s, e, p, score, sev, n, actual, expected, lower, upper, ongoing, sup, series, attribution] = rowsOf(writes.slice(0, u), suppressed.slice(0, u));
      await tx.$executeRaw`
        UPDATE "Anomaly" a SET "startTs" = v.s, "endTs" = v.e, "peakTs" = v.p, "peakScore" = v.score, severity = v.sev::"Severity",
          "pointCount" = v.n, actual = v.actual, expected = v.expected, lower = v.lower, upper = v.upper, ongoing = v.ongoing,
          "seriesId" = v.series, attribution = v.attribution::jsonb, detection = 'ACTIVE', "mergedIntoId" = NULL, "suppressedById" = v.sup, "updatedAt" = now()
        FROM unnest(${ids}::text[], ${s}::timestamptz[], ${e}::timestamptz[], ${p}::timestamptz[], ${score}::float8[], ${sev}::text[],
          ${n}::int[], ${actual}::float8[], ${expected}::float8[], ${lower}::float8[], ${upper}::float8[], ${ongoing}::boolean[], ${sup}::text[],
          ${series}::text[], ${attribution}::text[])
          AS v(id, s, e, p, score, sev, n, actual, expected, lower, upper, ongoing, sup, series, attribution)
        WHERE a.id = v.id`;
    }
    if (created.length > 0) {
      // New incidents are inserted whole (one write per row and index, not an insert and an update).
      const [ids, s, e, p, score, sev, n, actual, expected, lower, upper, ongoing, sup, series, attribution] = rowsOf(writes.slice(u), suppressed.slice(u));
      await tx.$executeRaw`
        INSERT INTO "Anomaly" (id, "detectorId", "seriesId", "subjectId", "groupId", "startTs", "endTs", "peakTs", "peakScore", severity,
          "pointCount", actual, expected, lower, upper, ongoing, attribution, detection, "suppressedById", "updatedAt")
        SELECT v.id, ${detectorId}, v.series, ${subject.id}, ${subject.groupId}, v.s, v.e, v.p, v.score, v.sev::"Severity",
          v.n, v.actual, v.expected, v.lower, v.upper, v.ongoing, v.attribution::jsonb, 'ACTIVE', v.sup, now()
        FROM unnest(${ids}::text[], ${s}::timestamptz[], ${e}::timestamptz[], ${p}::timestamptz[], ${score}::float8[], ${sev}::text[],
          ${n}::int[], ${actual}::float8[], ${expected}::float8[], ${lower}::float8[], ${upper}::float8[], ${ongoing}::boolean[], ${sup}::text[],
          ${series}::text[], ${attribution}::text[])
          AS v(id, s, e, p, score, sev, n, actual, expected, lower, upper, ongoing, sup, series, attribution)`;
    }
  }
  for (const u of plan.update) if (u.revived) activity.push({ id: u.id, kind: "revived", details: { startTs: u.event.startTs, endTs: u.event.endTs } });
  if (plan.merged.length > 0) {
    await tx.$executeRaw`
      UPDATE "Anomaly" a SET detection = 'MERGED', "mergedIntoId" = v.into, ongoing = false, "updatedAt" = now()
      FROM unnest(${plan.merged.map((m) => m.id)}::text[], ${plan.merged.map((m) => m.into)}::text[]) AS v(id, into) WHERE a.id = v.id`;
    for (const m of plan.merged) activity.push({ id: m.id, kind: "merged", details: { into: m.into } });
  }
  if (plan.gone.length > 0) {
    await tx.$executeRaw`
      UPDATE "Anomaly" SET detection = 'GONE', ongoing = false, "updatedAt" = now() WHERE id = ANY(${plan.gone}::text[])`;
    for (const id of plan.gone) activity.push({ id, kind: "gone", details: {} });
  }
  if (activity.length > 0) {
    await tx.$executeRaw`
      INSERT INTO "AnomalyActivity" ("anomalyId", kind, details)
      SELECT v.id, v.kind, v.details::jsonb
      FROM unnest(${activity.map((a) => a.id)}::text[], ${activity.map((a) => a.kind)}::text[], ${activity.map((a) => JSON.stringify(a.details))}::text[]) AS v(id, kind, details)`;
  }
  const notify = await leaveInOutbox(tx, [...writes.map((w) => w.id), ...plan.merged.map((m) => m.id), ...plan.gone]);
  return { created: created.length, createdSeverities: created.map((c) => c.event.severity), updated: plan.update.length, merged: plan.merged.length, gone: plan.gone.length, notify };
}
