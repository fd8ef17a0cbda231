/**
 * Many series of one ungrouped detector scored together (each series its own subject; a grouped
 * detector's subjects go to `runDetection` one by one): the same work as `runDetection` per pair, with the
 * database round trips shared by the whole batch (positions and points in one read, batch-read.ts;
 * one commit). A `detect.run` shard job (detect-shard.ts) reads its series and scores them through
 * `scoreBatch`.
 *
 * The batch takes the common path: pairs whose scorer this worker holds (lib/pipeline/state-cache.ts)
 * and whose new points fit one `BATCH_PAGE`. Their incidents and due snapshots are written in the
 * batch's one transaction; no state is written otherwise. A cache miss, a longer backlog, a pending
 * or running re-detection, or no visible row (missing/disabled/detached detector, a concurrent first
 * insert) goes to `runDetection`. A pair whose version moved meanwhile is `superseded` exactly as there.
 */
import { getEnv } from "@/lib/env";
import { getPrisma } from "@/lib/server/db";
import { toAnomalyWrite, type DetectorRow, type Scorer } from "@/lib/pipeline/scoring";
import { scorerConfig } from "@/lib/pipeline/load-scorer";
import { cacheScorer, takeCachedScorer } from "@/lib/pipeline/state-cache";
import { applyIncidents, type IncidentWrite } from "@/lib/server/queries/incidents";
import { runDetection, type DetectRunResult } from "@/lib/pipeline/detect-run";
import { timed } from "@/lib/pipeline/timings";
import { countAnomaliesCreated, countPointsScored } from "@/lib/metrics/record";
import { ringAlerts } from "@/lib/alerting/doorbell";
import { SNAPSHOT_POINTS, saveSnapshot } from "@/lib/server/queries/redetect";
import { readBatch, type BatchRow } from "@/lib/pipeline/batch-read";

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

export const batchPageSize = () => Math.min(BATCH_PAGE, getEnv().VIGIL_DETECT_PAGE_SIZE);

type BatchDetector = DetectorRow & { enabled: boolean; grouping: unknown };

export function findBatchDetector(detectorId: string): Promise<BatchDetector | null> {
  return getPrisma().detector.findUnique({ where: { id: detectorId }, select: { id: true, algorithm: true, params: true, threshold: true, enabled: true, grouping: true } });
}

/** Scores `seriesIds` (distinct) for one detector; results in the same order. */
export async function runDetectionBatch(
  detectorId: string,
  seriesIds: string[],
  /** Test hook: runs after the batch is scored, before its commit (a concurrent writer's moment). */
  opts: { afterScore?: () => Promise<unknown> } = {},
): Promise<DetectRunResult[]> {
  if (seriesIds.length === 1) return [await runDetection({ detectorId, subjectId: seriesIds[0] })];
  const row = await findBatchDetector(detectorId);
  if (!row || !row.enabled || row.grouping !== null) return mapLimit(seriesIds, SINGLE_CONCURRENCY, (seriesId) => runDetection({ detectorId, subjectId: seriesId }));
  const rows = await timed("batch.read", () => readBatch(detectorId, { seriesIds: [...seriesIds].sort() }, batchPageSize()));
  // A requested series with no row is not attached: `runDetection` says so.
  return scoreBatch(row, rows, seriesIds, opts);
}

/**
 * Scores the rows read by `readBatch` (`order`: the series to report on, in the caller's order;
 * every one not in `rows` goes to `runDetection`). The batch takes the common path; a pair without
 * a state row yet, a pending or running re-detection, a scorer this worker does not hold (a cache
 * miss replays from a snapshot) or a backlog longer than one read goes to `runDetection`.
 */
export async function scoreBatch(
  detector: DetectorRow,
  rows: BatchRow[],
  order: string[],
  opts: { afterScore?: () => Promise<unknown> } = {},
): Promise<DetectRunResult[]> {
  const detectorId = detector.id;
  const pageSize = batchPageSize();
  const results = new Map<string, DetectRunResult | "single">();
  const start = new Map<string, BatchRow>();
  const writes: PairWrite[] = [];
  for (const st of rows) {
    const s = st.seriesId;
    if (st.version === null || st.redetect || st.redetectUntil) continue;
    const config = scorerConfig(detector, st.modelId);
    const scorer = takeCachedScorer(detectorId, s, st.version, config);
    if (!scorer) continue;
    start.set(s, st);
    if (st.ms.length === 0) {
      cacheScorer(detectorId, s, st.version, config, scorer);
      results.set(s, { status: "done", points: 0, pages: 0, anomalies: 0, watermark: st.watermark?.toISOString() ?? null });
      continue;
    }
    if (st.ms.length >= pageSize) {
      cacheScorer(detectorId, s, st.version, config, scorer); // untouched: the long run takes it
      continue;
    }
    const found: IncidentWrite[] = [];
    for (let i = 0; i < st.ms.length; i++) for (const e of scorer.push(st.ms[i], [st.values[i]])) found.push(toAnomalyWrite(e, [s]));
    const open = scorer.tracker.current();
    if (open) found.push(toAnomalyWrite(open, [s]));
    const snapshot = scorer.sinceSnapshot >= SNAPSHOT_POINTS ? JSON.stringify(scorer.save()) : null;
    writes.push({ seriesId: s, scorer, found, snapshot, next: new Date(st.ms[st.ms.length - 1]), points: st.ms.length });
  }

  await opts.afterScore?.();
  if (writes.length > 0) {
    const { saved, createdSeverities } = await timed("batch.commitTx", () => commitBatch(detectorId, writes, start));
    countPointsScored(detector.algorithm, writes.reduce((n, w) => n + (saved.has(w.seriesId) ? w.points : 0), 0));
    countAnomaliesCreated(createdSeverities);
    for (const w of writes) {
      const cp = start.get(w.seriesId)!;
      if (saved.has(w.seriesId)) {
        if (w.snapshot) w.scorer.sinceSnapshot = 0;
        cacheScorer(detectorId, w.seriesId, cp.version! + 1, scorerConfig(detector, cp.modelId), w.scorer);
        results.set(w.seriesId, { status: "done", points: w.points, pages: 1, anomalies: w.found.length, watermark: w.next.toISOString() });
      } else {
        results.set(w.seriesId, { status: "superseded", points: 0, pages: 0, anomalies: 0, watermark: cp.watermark?.toISOString() ?? null });
      }
    }
  }

  return mapLimit(order, SINGLE_CONCURRENCY, async (seriesId) => {
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
function commitBatch(detectorId: string, writes: PairWrite[], start: Map<string, BatchRow>): Promise<{ saved: Set<string>; createdSeverities: string[] }> {
  return getPrisma().$transaction(async (tx) => {
    const createdSeverities: string[] = [];
    const ids = writes.map((w) => w.seriesId);
    const locked = await tx.$queryRaw<{ seriesId: string; version: number }[]>`
      SELECT "subjectId" AS "seriesId", version FROM "DetectorState"
      WHERE "detectorId" = ${detectorId} AND "subjectId" = ANY(${ids}::text[])
      ORDER BY "subjectId" FOR UPDATE`;
    const now = new Map(locked.map((l) => [l.seriesId, l.version]));
    // Points stored in (watermark, new watermark] now: more than were scored means one landed
    // inside the page meanwhile (see countPointsIn); that pair is not saved and re-runs. A separate
    // statement after the lock: one statement's snapshot predates the locks it waits for.
    const counted = await tx.$queryRaw<{ seriesId: string; n: number }[]>`
      SELECT v.s AS "seriesId", (SELECT count(*)::int FROM "DataPoint" p
        WHERE p."seriesId" = v.s AND (v.after = '' OR p.ts > v.after::timestamptz) AND p.ts <= v.upto::timestamptz) AS n
      FROM unnest(${ids}::text[], ${writes.map((w) => start.get(w.seriesId)!.watermark?.toISOString() ?? "")}::text[], ${writes.map((w) => w.next.toISOString())}::text[]) AS v(s, after, upto)`;
    const stored = new Map(counted.map((c) => [c.seriesId, c.n]));
    const notify: string[] = [];
    const ok = writes.filter((w) => now.get(w.seriesId) === start.get(w.seriesId)!.version && stored.get(w.seriesId) === w.points);
    for (const w of ok) {
      const cp = start.get(w.seriesId)!;
      if (w.found.length > 0) {
        const changes = await applyIncidents(tx, detectorId, { id: w.seriesId, groupId: null }, { after: cp.watermark, upTo: w.next }, w.found);
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
