/**
 * Many subjects of one detector scored together (series, or a grouped detector's groups): the same
 * work as `runDetection` per pair, with the database round trips shared by the whole batch
 * (positions, points, one commit). A `detect.run` shard job (detect-shard.ts) scores its lagging
 * subjects through here. Groups' points are read and aligned by `readGroupsStepsAfter`, the reader
 * `runDetection` uses, so a group scores the same steps either way.
 *
 * The batch takes the common path: pairs whose scorer this worker holds (lib/pipeline/state-cache.ts)
 * and whose new points fit one `BATCH_PAGE`. Their incidents and due snapshots are written in the
 * batch's one transaction; no state is written otherwise. A cache miss, a longer backlog, a pending
 * or running re-detection, or no visible row (missing/disabled/detached detector, a concurrent first
 * insert) goes to `runDetection`. A pair whose version moved meanwhile is `superseded` exactly as there.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { toAnomalyWrite, type DetectorRow, type Scorer } from "@/lib/pipeline/scoring";
import { scorerConfig } from "@/lib/pipeline/load-scorer";
import { cacheScorer, takeCachedScorer } from "@/lib/pipeline/state-cache";
import { applyIncidents, type IncidentWrite } from "@/lib/server/queries/incidents";
import { runDetection, type DetectRunResult } from "@/lib/pipeline/detect-run";
import { timed } from "@/lib/pipeline/timings";
import { countAnomaliesCreated, countPointsScored } from "@/lib/metrics/record";
import { ringAlerts } from "@/lib/alerting/doorbell";
import { SNAPSHOT_POINTS, saveSnapshot } from "@/lib/server/queries/redetect";
import { readGroupsStepsAfter, type StepPage } from "@/lib/server/queries/subject-points";
import { readGrouping } from "@/lib/detectors/grouping";

interface StartRow {
  /** The subject: a series, or a group. */
  seriesId: string;
  /** Its series in vector order (the series itself for an ungrouped detector). */
  members: string[];
  watermark: Date | null;
  version: number;
  modelId: string | null;
  redetectUntil: Date | null;
  redetect: boolean;
}

const key = (s: string) => s;

/** Points read per series by the shared read; a series with more goes to `runDetection`'s pages (bounds memory). */
export const BATCH_PAGE = 1_000;
/** `runDetection` calls running at once for the pairs a batch hands on. */
const SINGLE_CONCURRENCY = 4;

/** `fn` over `items` with at most `limit` running at once; results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Scores `seriesIds` (distinct subject ids: series, or groups of a grouped detector) for one detector; results in the same order. */
export async function runDetectionBatch(
  detectorId: string,
  seriesIds: string[],
  /** Test hook: runs after the batch is scored, before its commit (a concurrent writer's moment). */
  opts: { afterScore?: () => Promise<unknown> } = {},
): Promise<DetectRunResult[]> {
  if (seriesIds.length === 1) return [await runDetection({ detectorId, subjectId: seriesIds[0] })];
  const pageSize = Math.min(BATCH_PAGE, getEnv().VIGIL_DETECT_PAGE_SIZE);
  const prisma = getPrisma();
  const results = new Map<string, DetectRunResult | "single">();

  const row = await prisma.detector.findUnique({ where: { id: detectorId }, select: { id: true, algorithm: true, params: true, threshold: true, enabled: true, grouping: true } });
  if (!row || !row.enabled) return mapLimit(seriesIds, SINGLE_CONCURRENCY, (seriesId) => runDetection({ detectorId, subjectId: seriesId }));
  const detector: DetectorRow = row;
  const grouping = readGrouping(row.grouping);
  const sorted = [...seriesIds].sort();
  // The subjects that exist for the detector, with their members: attached series, or its groups.
  const subjects = grouping
    ? Prisma.sql`SELECT g.id AS "seriesId", array_agg(m."seriesId" ORDER BY m.position) AS members
        FROM "SeriesGroup" g JOIN "SeriesGroupMember" m ON m."groupId" = g.id
        WHERE g."detectorId" = ${detectorId} AND g.id = ANY(${sorted}::text[]) GROUP BY g.id`
    : Prisma.sql`SELECT ds."seriesId", ARRAY[ds."seriesId"] AS members FROM "DetectorSeries" ds
        WHERE ds."detectorId" = ${detectorId} AND ds."seriesId" = ANY(${sorted}::text[])`;

  // Positions of the attached pairs, rows created when missing (in key order).
  const starts = await timed("batch.start", () =>
    prisma.$queryRaw<StartRow[]>`
      WITH ok AS (${subjects}), ins AS (
        INSERT INTO "DetectorState" ("detectorId", "subjectId", "updatedAt")
        SELECT ${detectorId}, ok."seriesId", now() FROM ok ORDER BY ok."seriesId"
        ON CONFLICT ("detectorId", "subjectId") DO NOTHING
        RETURNING "subjectId" AS "seriesId", watermark, version, "modelId", "redetectUntil"
      )
      SELECT x.*, ok.members, EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ${detectorId} AND r."subjectId" = x."seriesId") AS redetect
      FROM (
        SELECT "seriesId", watermark, version, "modelId", "redetectUntil" FROM ins
        UNION ALL
        SELECT s."subjectId", s.watermark, s.version, s."modelId", s."redetectUntil" FROM "DetectorState" s JOIN ok ON ok."seriesId" = s."subjectId"
        WHERE s."detectorId" = ${detectorId}
      ) x JOIN ok ON ok."seriesId" = x."seriesId"`,
  );
  // A pending re-detection or one under way (rewind, re-derived incidents), or a scorer this worker
  // does not hold (a cache miss replays from a snapshot): the per-pair path does those.
  const start = new Map<string, StartRow>();
  const scorers = new Map<string, Scorer>();
  for (const st of starts) {
    if (st.redetect || st.redetectUntil) continue;
    const scorer = takeCachedScorer(detectorId, st.seriesId, st.version, scorerConfig(detector, st.modelId));
    if (!scorer) continue;
    start.set(key(st.seriesId), st);
    scorers.set(st.seriesId, scorer);
  }
  const batch = sorted.filter((s) => start.has(s));
  for (const s of sorted) if (!start.has(s)) results.set(s, "single");

  // Points past each watermark, one page per subject: one statement for series, two for groups.
  const pages = new Map<string, StepPage>();
  if (batch.length > 0 && grouping) {
    const read = await timed("batch.readPoints", () =>
      readGroupsStepsAfter(batch.map((s) => ({ subject: { id: s, groupId: s, members: start.get(s)!.members, grouping }, after: start.get(s)!.watermark })), pageSize),
    );
    batch.forEach((s, i) => pages.set(s, read[i]));
  } else if (batch.length > 0) {
    const after = batch.map((s) => start.get(s)!.watermark?.toISOString() ?? "");
    await timed("batch.readPoints", async () => {
      // Plain pg, array rows, epoch ms: cheaper than Prisma's row mapping for up to 100k rows.
      const { rows } = await getPgPool().query<[string, number, number]>({
        text: `SELECT v.s, round(extract(epoch from p.ts) * 1000)::float8, p.value
               FROM unnest($1::text[], $2::text[]) AS v(s, after)
               CROSS JOIN LATERAL (
                 SELECT ts, value FROM "DataPoint"
                 WHERE "seriesId" = v.s AND (v.after = '' OR ts > v.after::timestamptz)
                 ORDER BY ts LIMIT $3
               ) p
               ORDER BY v.s, p.ts`,
        values: [batch, after, pageSize],
        rowMode: "array",
      });
      for (const [seriesId, ms, value] of rows) {
        const page = pages.get(seriesId) ?? pages.set(seriesId, { steps: [], points: 0, upTo: null, full: false }).get(seriesId)!;
        page.steps.push({ ts: new Date(ms), values: [value] });
        page.points++;
      }
      for (const page of pages.values()) {
        page.upTo = page.steps[page.steps.length - 1].ts;
        page.full = page.points >= pageSize;
      }
    });
  }

  const writes: PairWrite[] = [];
  for (const s of batch) {
    const cp = start.get(s)!;
    const scorer = scorers.get(s)!;
    const page = pages.get(s);
    if (!page || page.points === 0 || !page.upTo) {
      cacheScorer(detectorId, s, cp.version, scorerConfig(detector, cp.modelId), scorer);
      results.set(s, { status: "done", points: 0, pages: 0, anomalies: 0, watermark: cp.watermark?.toISOString() ?? null });
      continue;
    }
    if (page.full) {
      cacheScorer(detectorId, s, cp.version, scorerConfig(detector, cp.modelId), scorer); // untouched: the long run takes it
      results.set(s, "single");
      continue;
    }
    const found: IncidentWrite[] = [];
    for (const p of page.steps) for (const e of scorer.push(p.ts.getTime(), p.values)) found.push(toAnomalyWrite(e, cp.members));
    const open = scorer.tracker.current();
    if (open) found.push(toAnomalyWrite(open, cp.members));
    const snapshot = scorer.sinceSnapshot >= SNAPSHOT_POINTS ? JSON.stringify(scorer.save()) : null;
    writes.push({ seriesId: s, scorer, found, snapshot, next: page.upTo, points: page.points });
  }

  await opts.afterScore?.();
  if (writes.length > 0) {
    const { saved, createdSeverities } = await timed("batch.commitTx", () => commitBatch(detectorId, writes, start, grouping !== null));
    countPointsScored(detector.algorithm, writes.reduce((n, w) => n + (saved.has(w.seriesId) ? w.points : 0), 0));
    countAnomaliesCreated(createdSeverities);
    for (const w of writes) {
      const cp = start.get(w.seriesId)!;
      if (saved.has(w.seriesId)) {
        if (w.snapshot) w.scorer.sinceSnapshot = 0;
        cacheScorer(detectorId, w.seriesId, cp.version + 1, scorerConfig(detector, cp.modelId), w.scorer);
        results.set(w.seriesId, { status: "done", points: w.points, pages: 1, anomalies: w.found.length, watermark: w.next.toISOString() });
      } else {
        results.set(w.seriesId, { status: "superseded", points: 0, pages: 0, anomalies: 0, watermark: cp.watermark?.toISOString() ?? null });
      }
    }
  }

  return mapLimit(seriesIds, SINGLE_CONCURRENCY, async (seriesId) => {
    const r = results.get(seriesId);
    return !r || r === "single" ? runDetection({ detectorId, subjectId: seriesId }) : r;
  });
}

interface PairWrite {
  seriesId: string;
  scorer: Scorer;
  found: IncidentWrite[];
  snapshot: string | null;
  next: Date;
  points: number;
}

/**
 * ONE transaction for the batch: locks the pairs' rows (key order: two batches never deadlock),
 * keeps the pairs still at the version they were scored from whose range holds exactly the points
 * scored, writes their incidents and snapshots, and moves their watermarks. Returns the pairs saved
 * and the severities of the incidents it created.
 */
function commitBatch(detectorId: string, writes: PairWrite[], start: Map<string, StartRow>, grouped: boolean): Promise<{ saved: Set<string>; createdSeverities: string[] }> {
  return getPrisma().$transaction(async (tx) => {
    const createdSeverities: string[] = [];
    const ids = writes.map((w) => w.seriesId);
    const locked = await tx.$queryRaw<{ seriesId: string; version: number }[]>`
      SELECT "subjectId" AS "seriesId", version FROM "DetectorState"
      WHERE "detectorId" = ${detectorId} AND "subjectId" = ANY(${ids}::text[])
      ORDER BY "subjectId" FOR UPDATE`;
    const now = new Map(locked.map((l) => [l.seriesId, l.version]));
    // Points stored in (watermark, new watermark] now, over a group's members: more than were
    // scored means one landed inside the page meanwhile (see countPointsIn); that pair is not saved and re-runs.
    const flat = writes.flatMap((w) => start.get(w.seriesId)!.members.map((m) => ({ w, m })));
    const counted = await tx.$queryRaw<{ seriesId: string; n: number }[]>`
      SELECT v.s AS "seriesId", sum((SELECT count(*) FROM "DataPoint" p
        WHERE p."seriesId" = v.m AND (v.after = '' OR p.ts > v.after::timestamptz) AND p.ts <= v.upto::timestamptz))::int AS n
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
  }, { timeout: 60_000 }).then(({ saved, createdSeverities, notify }) => {
    ringAlerts(notify);
    return { saved, createdSeverities };
  });
}
