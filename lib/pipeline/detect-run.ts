/**
 * Score a (detector, subject) pair's steps past its watermark, page by page. A subject is a
 * series or a group of series (lib/server/queries/subject-points.ts): a group's members' points
 * are aligned to steps and scored as one vector per step, through this same code.
 *
 * Each page is scored outside any transaction, then committed: the watermark moves (version + 1)
 * only if the DetectorState row is still at the version the run started from, together with the
 * page's incidents and, every SNAPSHOT_POINTS points, a snapshot of the state. A concurrent or stale
 * run, a rewind or a model installed meanwhile bumped the version: the run stops without writing. A
 * crash before commit leaves the previous position intact, so the retry redoes the page and gets
 * the same incidents. The scorer stays cached in the worker (lib/pipeline/state-cache.ts); a cache
 * miss rebuilds it from the newest snapshot and the points after it (lib/pipeline/load-scorer.ts).
 *
 * Each commit records the page's range and count on the row; after it the run re-counts the range
 * and clears the record (`requestRedetectForMissed`, lib/server/queries/verify-pages.ts): a point
 * that landed inside it meanwhile, written by an ingest that read the old watermark, leaves a
 * RedetectRequest, and the run starts again, applying it. A run that dies before its re-count
 * leaves the record to the reconciler. Alerts are rung only once the re-count passed: a page
 * that missed a point is re-derived first.
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
  ensureDetectorState,
  lockDetectorState,
  startDetectRun,
} from "@/lib/server/queries/detector-state";
import { requestRedetectForMissed } from "@/lib/server/queries/verify-pages";
import { toAnomalyWrite, type DetectorRow } from "@/lib/pipeline/scoring";
import { readStepsAfter, type StepPage, type Subject } from "@/lib/server/queries/subject-points";
import { readGrouping } from "@/lib/detectors/grouping";
import { subjectIdOf, type PairRef } from "@/lib/pipeline/pair";
import { loadScorer, scorerConfig } from "@/lib/pipeline/load-scorer";
import { cacheScorer } from "@/lib/pipeline/state-cache";
import { timed } from "@/lib/pipeline/timings";
import { countAnomaliesCreated, countPointsScored, countRewind } from "@/lib/metrics/record";
import { ringAlerts } from "@/lib/alerting/doorbell";

/** Default page size; VIGIL_DETECT_PAGE_SIZE overrides it (the fault tests use small pages to make one run long). */
export const DETECT_PAGE_SIZE = 10_000;

export interface DetectRunOptions {
  pageSize?: number;
  /** Test hook: runs inside each page's transaction just before it commits. */
  beforeCommit?: (page: number) => void | Promise<void>;
  /** Test hook: runs after a page is scored, before its commit (a concurrent writer's moment). */
  afterScore?: (page: number) => unknown;
  /** Test hook: runs after a page's commit, before its re-count (where a killed worker stops). */
  afterCommit?: (page: number) => void | Promise<void>;
  /**
   * The first points past the pair's position, already read by the caller (a shard job's batch read
   * hands on a series whose backlog is longer than its page or whose scorer this worker lacks):
   * the run's first page starts with them instead of reading them again (see `HeadRead`).
   */
  head?: HeadRead;
  /** Rewinds this call has made after a missed point (internal: at most MAX_REWINDS, see below). */
  rewinds?: number;
}

/**
 * A run that finds a missed point rewinds at once, at most this many times in one call: writers
 * committing out of order without pause would otherwise keep one job rewinding forever. The
 * request it leaves then waits for the next job or the reconciler.
 */
const MAX_REWINDS = 3;

/**
 * Points a batch read found past a pair's position. Used only when the run starts exactly there:
 * the row is at the version the read saw (a read before the row existed: a new row, never moved),
 * and no re-detection was pending at the read or at the run's start (a correction made after the
 * read leaves a request, which then stops the reuse). A point inserted into the range after the read
 * is caught by the re-count after the commit, as for any page.
 */
export interface HeadRead {
  version: number | null;
  page: StepPage;
}

export type DetectRunResult =
  | { status: "skipped"; reason: "missing" | "disabled" | "not-attached" }
  | { status: "done" | "superseded"; points: number; pages: number; anomalies: number; watermark: string | null };


export async function runDetection(pair: PairRef, opts: DetectRunOptions = {}): Promise<DetectRunResult> {
  const { detectorId } = pair;
  const subjectId = subjectIdOf(pair);
  const pageSize = opts.pageSize ?? getEnv().VIGIL_DETECT_PAGE_SIZE;
  // One round trip: detector row, attachment, members and checkpoint (created when missing).
  const start = await timed("detect.start", () => startDetectRun(detectorId, subjectId));
  if (!start.detector) return { status: "skipped", reason: "missing" };
  if (!start.detector.enabled) return { status: "skipped", reason: "disabled" };
  if (!start.attached) return { status: "skipped", reason: "not-attached" };
  const detector: DetectorRow = start.detector;
  const grouping = readGrouping(start.detector.grouping);
  const subject: Subject = { id: subjectId, groupId: grouping ? subjectId : null, members: start.members, grouping };
  let cp = start.checkpoint ?? (await ensureDetectorState(detectorId, subjectId));
  if (start.redetect && (await timed("detect.rewind", () => applyRedetectRequest(detectorId, subjectId)))) {
    countRewind(start.detector.algorithm);
    cp = await ensureDetectorState(detectorId, subjectId);
  }
  const { scorer } = await timed("detect.load", () => loadScorer(detector, subject, cp));
  const config = scorerConfig(detector, cp.modelId);
  let { watermark, version, redetectUntil } = cp;
  let points = 0;
  let pages = 0;
  let anomalies = 0;
  const h = opts.head;
  let head =
    h && h.page.points > 0 && h.page.points <= pageSize && !start.redetect && !grouping && cp.redetectUntil === null && (h.version === null ? cp.version === 0 && cp.watermark === null : cp.version === h.version)
      ? h.page
      : null;

  for (;;) {
    const page = await timed("detect.readPoints", () => (head ? completePage(subject, head, pageSize) : readStepsAfter(subject, watermark, pageSize)));
    head = null;
    if (page.points === 0 || !page.upTo) break;
    const found: IncidentWrite[] = [];
    for (const p of page.steps) for (const e of scorer.push(p.ts.getTime(), p.values)) found.push(toAnomalyWrite(e, subject.members));
    const open = scorer.tracker.current();
    if (open) found.push(toAnomalyWrite(open, subject.members));
    const next = page.upTo;
    const from = watermark;
    const pageNo = pages;
    // After a rewind, stored incidents up to the old watermark are re-derived page by page.
    const reconcile = found.length > 0 || redetectUntil !== null;
    const until = redetectUntil && next < redetectUntil ? redetectUntil : null;
    const snapshot = scorer.sinceSnapshot >= SNAPSHOT_POINTS;
    const state = snapshot ? JSON.stringify(scorer.save()) : null;
    const verify = { after: from, scored: page.points, seen: page.seen };

    await opts.afterScore?.(pageNo);
    let createdSeverities: string[] = [];
    let notify: string[] = [];
    // Nothing to reconcile or snapshot: one guarded UPDATE of the position (compare-and-set on the
    // version under the row lock), no transaction, no state written. Else the lock is taken first
    // with SELECT ... FOR UPDATE and everything commits in one transaction.
    const committed =
      !reconcile && !snapshot && !opts.beforeCommit
        ? await timed("detect.saveIf", () => advanceWatermarkIf(getPrisma(), detectorId, subjectId, { version }, next, until, verify))
        : await timed("detect.commitTx", () =>
            getPrisma().$transaction(
              async (tx: Prisma.TransactionClient) => {
                const locked = await lockDetectorState(tx, detectorId, subjectId);
                if (!locked || locked.version !== version) return false;
                if (reconcile) ({ createdSeverities, notify } = await applyIncidents(tx, detectorId, subject, { after: from, upTo: next }, found));
                await advanceWatermarkIf(tx, detectorId, subjectId, { version }, next, until, verify);
                if (state) await saveSnapshot(tx, detectorId, subjectId, next, state, cp.modelId);
                await opts.beforeCommit?.(pageNo);
                return true;
              },
              { timeout: 60_000, maxWait: 10_000 },
            ),
          );
    if (!committed) {
      return { status: "superseded", points, pages, anomalies, watermark: watermark?.toISOString() ?? null };
    }
    countPointsScored(detector.algorithm, page.points);
    countAnomaliesCreated(createdSeverities);
    if (snapshot) scorer.sinceSnapshot = 0;
    await opts.afterCommit?.(pageNo);
    const missed = await timed("detect.recount", () => requestRedetectForMissed(detectorId, [subjectId]));
    if (missed.size === 0) ringAlerts(notify);
    else {
      // A point landed inside the page while it was scored: the request just left rewinds it.
      const rewinds = (opts.rewinds ?? 0) + 1;
      if (rewinds > MAX_REWINDS) {
        return { status: "superseded", points: points + page.points, pages: pages + 1, anomalies: anomalies + found.length, watermark: next.toISOString() };
      }
      const again = await runDetection(pair, { pageSize, rewinds });
      // Incidents the re-run left unchanged were not rung by it; the notify job holds any a request still covers.
      ringAlerts(notify);
      if (again.status === "skipped") return again;
      return { ...again, points: points + page.points + again.points, pages: pages + 1 + again.pages, anomalies: anomalies + found.length + again.anomalies };
    }
    watermark = next;
    version++;
    redetectUntil = until;
    points += page.points;
    pages++;
    anomalies += found.length;
    if (!page.full) break;
  }
  cacheScorer(detectorId, subjectId, version, config, scorer);
  return { status: "done", points, pages, anomalies, watermark: watermark?.toISOString() ?? null };
}

/**
 * A page of `pageSize` points starting with `head` (read from the run's position): the rest is read
 * after it. The page's `seen` is the head's: the older snapshot, so a write visible in it was
 * visible to both reads.
 */
async function completePage(subject: Subject, head: StepPage, pageSize: number): Promise<StepPage> {
  if (!head.full || head.points === pageSize || !head.upTo) return head;
  const rest = await readStepsAfter(subject, head.upTo, pageSize - head.points);
  return { steps: [...head.steps, ...rest.steps], points: head.points + rest.points, upTo: rest.upTo ?? head.upTo, full: rest.full, seen: head.seen };
}
