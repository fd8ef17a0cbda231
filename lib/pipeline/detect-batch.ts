/**
 * Many subjects of one detector scored together (series, or a grouped detector's groups): the same
 * work as `runDetection` per pair, with the database round trips shared by the whole batch. Series:
 * positions and points in one read (`readBatch`, batch-read.ts); groups: positions in one read,
 * then their members' points read and aligned by `readGroupsStepsAfter`, the reader `runDetection`
 * uses, so a group scores the same steps either way. One commit (batch-commit.ts). A `detect.run`
 * shard job (detect-shard.ts) reads its series and scores them through `scoreBatch`.
 *
 * The batch takes the common path: pairs whose scorer this worker holds (lib/pipeline/state-cache.ts)
 * and whose new points fit one `BATCH_PAGE`. Their incidents and due snapshots are written in the
 * batch's one transaction; no state is written otherwise. A cache miss, a longer backlog, a pending
 * or running re-detection, or no visible row (missing/disabled/detached detector, a pair without a
 * position yet) goes to `runDetection`, with the points already read for it (its first page starts with them). A pair whose version moved meanwhile is `superseded` exactly as there.
 */
import { getEnv } from "@/lib/env";
import { getPrisma } from "@/lib/server/db";
import { toAnomalyWrite, type DetectorRow, type Scorer } from "@/lib/pipeline/scoring";
import { scorerConfig } from "@/lib/pipeline/load-scorer";
import { cacheScorer, takeCachedScorer } from "@/lib/pipeline/state-cache";
import type { IncidentWrite } from "@/lib/server/queries/incidents";
import { runDetection, type DetectRunResult } from "@/lib/pipeline/detect-run";
import { timed } from "@/lib/pipeline/timings";
import { countAnomaliesCreated, countPointsScored } from "@/lib/metrics/record";
import { ringAlerts } from "@/lib/alerting/doorbell";
import { SNAPSHOT_POINTS } from "@/lib/server/queries/redetect";
import { readBatch, readGroupStarts, type BatchRow } from "@/lib/pipeline/batch-read";
import { commitBatch, type BatchStart, type PairWrite } from "@/lib/pipeline/batch-commit";
import { readGroupsStepsAfter, type StepPage } from "@/lib/server/queries/subject-points";
import { readGrouping, type Grouping } from "@/lib/detectors/grouping";

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

/** A subject as the batch sees it: its position, and its page when already read (series). */
export interface BatchItem extends BatchStart {
  redetect: boolean;
  page: StepPage | null;
}

/** A series row of `readBatch` with its points as one page of one-value steps. */
export function seriesItem(r: BatchRow, pageSize: number): BatchItem {
  const steps = r.ms.map((t, i) => ({ ts: new Date(t), values: [r.values[i]] }));
  const page = { steps, points: steps.length, upTo: steps.at(-1)?.ts ?? null, full: steps.length >= pageSize, seen: r.seen };
  return { seriesId: r.seriesId, members: [r.seriesId], watermark: r.watermark, version: r.version, modelId: r.modelId, redetectUntil: r.redetectUntil, redetect: r.redetect, page };
}

export interface BatchHooks {
  afterScore?: () => Promise<unknown>;
  beforeCommit?: () => Promise<unknown>;
  afterCommit?: () => Promise<unknown>;
}

/** Scores `seriesIds` (distinct subject ids: series, or groups of a grouped detector) for one detector; results in the same order. */
export async function runDetectionBatch(
  detectorId: string,
  seriesIds: string[],
  /** Test hooks: after the batch is scored, and inside its transaction just before it commits (a concurrent writer's moments). */
  opts: BatchHooks = {},
): Promise<DetectRunResult[]> {
  if (seriesIds.length === 1) return [await runDetection({ detectorId, subjectId: seriesIds[0] })];
  const row = await findBatchDetector(detectorId);
  if (!row || !row.enabled) return mapLimit(seriesIds, SINGLE_CONCURRENCY, (seriesId) => runDetection({ detectorId, subjectId: seriesId }));
  const grouping = readGrouping(row.grouping);
  const sorted = [...seriesIds].sort();
  const items = grouping
    ? (await timed("batch.start", () => readGroupStarts(detectorId, sorted))).map((g) => ({ ...g, page: null }))
    : (await timed("batch.read", () => readBatch(detectorId, { seriesIds: sorted }, batchPageSize()))).map((r) => seriesItem(r, batchPageSize()));
  // A requested subject with no row does not exist for the detector: `runDetection` says so.
  return scoreBatch(row, grouping, items, seriesIds, opts);
}

/**
 * Scores `items` (`order`: the subjects to report on, in the caller's order; every one not scored
 * here goes to `runDetection`). A pair without a position row yet, a pending or running
 * re-detection, a scorer this worker does not hold (a cache miss replays from a snapshot) or a
 * backlog longer than one page goes to `runDetection`. Groups' pages are read here, for the groups
 * whose scorer the worker holds.
 */
export async function scoreBatch(
  detector: DetectorRow,
  grouping: Grouping | null,
  items: BatchItem[],
  order: string[],
  opts: BatchHooks = {},
): Promise<DetectRunResult[]> {
  const detectorId = detector.id;
  const results = new Map<string, DetectRunResult>();
  const start = new Map<string, BatchItem & { version: number }>();
  const scorers = new Map<string, Scorer>();
  for (const it of items) {
    if (it.version === null || it.redetect || it.redetectUntil) continue;
    const scorer = takeCachedScorer(detectorId, it.seriesId, it.version, scorerConfig(detector, it.modelId));
    if (!scorer) continue;
    start.set(it.seriesId, { ...it, version: it.version });
    scorers.set(it.seriesId, scorer);
  }
  const batch = [...start.keys()];
  if (grouping && batch.length > 0) {
    const subjects = batch.map((s) => ({ subject: { id: s, groupId: s, members: start.get(s)!.members, grouping }, after: start.get(s)!.watermark }));
    const pages = await timed("batch.readPoints", () => readGroupsStepsAfter(subjects, batchPageSize()));
    batch.forEach((s, i) => (start.get(s)!.page = pages[i]));
  }

  const writes: PairWrite[] = [];
  for (const s of batch) {
    const cp = start.get(s)!;
    const scorer = scorers.get(s)!;
    const page = cp.page;
    if (!page || page.points === 0 || !page.upTo) {
      cacheScorer(detectorId, s, cp.version, scorerConfig(detector, cp.modelId), scorer);
      results.set(s, { status: "done", points: 0, pages: 0, anomalies: 0, watermark: cp.watermark?.toISOString() ?? null });
      continue;
    }
    if (page.full) {
      cacheScorer(detectorId, s, cp.version, scorerConfig(detector, cp.modelId), scorer); // untouched: the long run takes it
      continue;
    }
    const found: IncidentWrite[] = [];
    for (const p of page.steps) for (const e of scorer.push(p.ts.getTime(), p.values)) found.push(toAnomalyWrite(e, cp.members));
    const open = scorer.tracker.current();
    if (open) found.push(toAnomalyWrite(open, cp.members));
    const snapshot = scorer.sinceSnapshot >= SNAPSHOT_POINTS ? JSON.stringify(scorer.save()) : null;
    writes.push({ seriesId: s, scorer, found, snapshot, next: page.upTo, points: page.points, seen: page.seen });
  }

  await opts.afterScore?.();
  let held: string[] = [];
  if (writes.length > 0) {
    const { saved, missed, createdSeverities, notify } = await timed("batch.commitTx", () => commitBatch(detectorId, writes, start, grouping !== null, opts));
    held = notify;
    countPointsScored(detector.algorithm, writes.reduce((n, w) => n + (saved.has(w.seriesId) ? w.points : 0), 0));
    countAnomaliesCreated(createdSeverities);
    for (const w of writes) {
      const cp = start.get(w.seriesId)!;
      if (missed.has(w.seriesId)) continue; // saved, but a point landed inside its page: runDetection below applies the request left for it
      if (saved.has(w.seriesId)) {
        if (w.snapshot) w.scorer.sinceSnapshot = 0;
        cacheScorer(detectorId, w.seriesId, cp.version + 1, scorerConfig(detector, cp.modelId), w.scorer);
        results.set(w.seriesId, { status: "done", points: w.points, pages: 1, anomalies: w.found.length, watermark: w.next.toISOString() });
      } else {
        results.set(w.seriesId, { status: "superseded", points: 0, pages: 0, anomalies: 0, watermark: cp.watermark?.toISOString() ?? null });
      }
    }
  }

  // A series handed on keeps the points already read for it: its run's first page starts with them.
  const heads = new Map(items.map((it) => [it.seriesId, it.page && !it.redetect && !it.redetectUntil ? { version: it.version, page: it.page } : undefined]));
  const done = await mapLimit(order, SINGLE_CONCURRENCY, async (subjectId) => results.get(subjectId) ?? runDetection({ detectorId, subjectId }, { head: heads.get(subjectId) }));
  // The incidents of pages that missed a point, once their pairs were re-run (the notify job holds any a request still covers).
  ringAlerts(held);
  return done;
}
