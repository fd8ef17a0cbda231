/**
 * One `detect.run`: score a (detector, series) pair's points past its watermark, page by page.
 *
 * Each page is scored outside any transaction, then committed: the watermark moves (version + 1)
 * only if the DetectorState row is still at the version the run started from, together with the
 * page's incidents and, every SNAPSHOT_POINTS points, a snapshot of the state. A concurrent or stale
 * run, a rewind or a model installed meanwhile bumped the version: the run stops without writing. A
 * crash before commit leaves the previous position intact, so the retry redoes the page and gets
 * the same incidents. The scorer stays cached in the worker (lib/pipeline/state-cache.ts); a cache
 * miss rebuilds it from the newest snapshot and the points after it (lib/pipeline/load-scorer.ts).
 *
 * Late points (ts <= watermark) are never streamed out of order: ingest leaves a RedetectRequest,
 * and the run first rewinds the checkpoint to the newest snapshot before them
 * (`applyRedetectRequest`), then streams forward, re-deriving the incidents it passes
 * (`applyIncidents`: identities kept, nothing deleted).
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";
import { getPrisma } from "@/lib/server/db";
import { applyIncidents, type IncidentWrite } from "@/lib/server/queries/incidents";
import { applyRedetectRequest, saveSnapshot, SNAPSHOT_POINTS } from "@/lib/server/queries/redetect";
import {
  advanceWatermarkIf,
  countPointsIn,
  ensureDetectorState,
  lockDetectorState,
  readPointsAfter,
  saveDetectorState,
  startDetectRun,
} from "@/lib/server/queries/detector-state";
import { toAnomalyWrite, type DetectorRow } from "@/lib/pipeline/scoring";
import { loadScorer, scorerConfig } from "@/lib/pipeline/load-scorer";
import { cacheScorer } from "@/lib/pipeline/state-cache";
import { timed } from "@/lib/pipeline/timings";
import { countAnomaliesCreated, countPointsScored } from "@/lib/metrics/record";
import { ringAlerts } from "@/lib/alerting/doorbell";

/** Default page size; VIGIL_DETECT_PAGE_SIZE overrides it (the fault tests use small pages to make one run long). */
export const DETECT_PAGE_SIZE = 10_000;

export interface DetectRunOptions {
  pageSize?: number;
  /** Test hook: runs inside each page's transaction just before it commits. */
  beforeCommit?: (page: number) => void | Promise<void>;
  /** Test hook: runs after a page is scored, before its commit (a concurrent writer's moment). */
  afterScore?: (page: number) => unknown;
}

export type DetectRunResult =
  | { status: "skipped"; reason: "missing" | "disabled" | "not-attached" }
  | { status: "done" | "superseded"; points: number; pages: number; anomalies: number; watermark: string | null };

export function findDetectorForRun(detectorId: string, seriesId: string) {
  return getPrisma().detector.findUnique({
    where: { id: detectorId },
    select: { id: true, algorithm: true, params: true, threshold: true, enabled: true, series: { where: { seriesId }, select: { seriesId: true } } },
  });
}

export async function runDetection(
  { detectorId, seriesId }: { detectorId: string; seriesId: string },
  opts: DetectRunOptions = {},
): Promise<DetectRunResult> {
  const pageSize = opts.pageSize ?? getEnv().VIGIL_DETECT_PAGE_SIZE;
  // One round trip: detector row, attachment and checkpoint (created when missing).
  const start = await timed("detect.start", () => startDetectRun(detectorId, seriesId));
  if (!start.detector) return { status: "skipped", reason: "missing" };
  if (!start.detector.enabled) return { status: "skipped", reason: "disabled" };
  if (!start.attached) return { status: "skipped", reason: "not-attached" };
  const detector: DetectorRow = start.detector;
  let cp = start.checkpoint ?? (await ensureDetectorState(detectorId, seriesId));
  if (start.redetect && (await timed("detect.rewind", () => applyRedetectRequest(detectorId, seriesId)))) {
    cp = await ensureDetectorState(detectorId, seriesId);
  }
  const { scorer } = await timed("detect.load", () => loadScorer(detector, seriesId, cp));
  const config = scorerConfig(detector, cp.modelId);
  let { watermark, version, redetectUntil } = cp;
  let points = 0;
  let pages = 0;
  let anomalies = 0;

  for (;;) {
    const page = await timed("detect.readPoints", () => readPointsAfter(seriesId, watermark, pageSize));
    if (page.length === 0) break;
    const found: IncidentWrite[] = [];
    for (const p of page) for (const e of scorer.push(p.ts.getTime(), p.value)) found.push(toAnomalyWrite(e));
    const open = scorer.tracker.current();
    if (open) found.push(toAnomalyWrite(open));
    const next = page[page.length - 1].ts;
    const from = watermark;
    const pageNo = pages;
    // After a rewind, stored incidents up to the old watermark are re-derived page by page.
    const reconcile = found.length > 0 || redetectUntil !== null;
    const until = redetectUntil && next < redetectUntil ? redetectUntil : null;
    const snapshot = scorer.sinceSnapshot >= SNAPSHOT_POINTS;
    const state = snapshot ? JSON.stringify(scorer.save()) : null;

    await opts.afterScore?.(pageNo);
    let createdSeverities: string[] = [];
    let notify: string[] = [];
    // Nothing to reconcile or snapshot: one guarded UPDATE of the position (compare-and-set on the
    // version under the row lock), no transaction, no state written. Else the lock is taken first
    // with SELECT ... FOR UPDATE and everything commits in one transaction.
    const committed =
      !reconcile && !snapshot && !opts.beforeCommit
        ? await timed("detect.saveIf", () => advanceWatermarkIf(getPrisma(), detectorId, seriesId, { watermark: from, version }, next, page.length, until))
        : await timed("detect.commitTx", () =>
            getPrisma().$transaction(
              async (tx: Prisma.TransactionClient) => {
                const locked = await lockDetectorState(tx, detectorId, seriesId);
                if (!locked || locked.version !== version) return false;
                if ((await countPointsIn(tx, seriesId, from, next)) !== page.length) return false; // a point landed inside the page meanwhile
                if (reconcile) ({ createdSeverities, notify } = await applyIncidents(tx, detectorId, seriesId, { after: from, upTo: next }, found));
                await saveDetectorState(tx, detectorId, seriesId, next, { redetectUntil: until });
                if (state) await saveSnapshot(tx, detectorId, seriesId, next, state, cp.modelId);
                await opts.beforeCommit?.(pageNo);
                return true;
              },
              { timeout: 60_000 },
            ),
          );
    if (!committed) {
      return { status: "superseded", points, pages, anomalies, watermark: watermark?.toISOString() ?? null };
    }
    countPointsScored(detector.algorithm, page.length);
    countAnomaliesCreated(createdSeverities);
    ringAlerts(notify);
    if (snapshot) scorer.sinceSnapshot = 0;
    watermark = next;
    version++;
    redetectUntil = until;
    points += page.length;
    pages++;
    anomalies += found.length;
    if (page.length < pageSize) break;
  }
  cacheScorer(detectorId, seriesId, version, config, scorer);
  return { status: "done", points, pages, anomalies, watermark: watermark?.toISOString() ?? null };
}
