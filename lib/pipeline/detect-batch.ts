/**
 * Many series of one detector scored together: the same work as `runDetection` per pair, with the
 * database round trips shared by the whole batch (checkpoints, points, one commit). A
 * `detect.run` shard job (detect-shard.ts) scores its lagging series through here.
 *
 * The batch takes the common path only: a pair whose page yields anomalies, has more than
 * `BATCH_PAGE` new points, or has no checkpoint row visible (missing/disabled/detached detector, a
 * concurrent first insert) is handed to `runDetection`, which keeps its one-transaction-per-page
 * path. For the rest, the batch commits in ONE transaction that locks their DetectorState rows
 * (SELECT ... FOR UPDATE, in key order so two batches never deadlock), checks each watermark +
 * modelId is still the one scored from, and saves the checkpoints whose check passed; a pair whose
 * watermark moved is `superseded` exactly as in `runDetection`.
 */
import { getEnv } from "@/lib/env";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { createScorer, type DetectorRow } from "@/lib/pipeline/scoring";
import { runDetection, type DetectRunResult } from "@/lib/pipeline/detect-run";
import { timed } from "@/lib/pipeline/timings";
import { SNAPSHOT_POINTS } from "@/lib/server/queries/redetect";

interface StartRow {
  seriesId: string;
  state: unknown;
  watermark: Date | null;
  modelId: string | null;
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

/** Scores `seriesIds` (distinct) for one detector; results in the same order. */
export async function runDetectionBatch(
  detectorId: string,
  seriesIds: string[],
  /** Test hook: runs after the batch is scored, before its commit (a concurrent writer's moment). */
  opts: { afterScore?: () => Promise<unknown> } = {},
): Promise<DetectRunResult[]> {
  if (seriesIds.length === 1) return [await runDetection({ detectorId, seriesId: seriesIds[0] })];
  const pageSize = Math.min(BATCH_PAGE, getEnv().VIGIL_DETECT_PAGE_SIZE);
  const prisma = getPrisma();
  const results = new Map<string, DetectRunResult | "single">();

  const row = await prisma.detector.findUnique({ where: { id: detectorId }, select: { id: true, algorithm: true, params: true, threshold: true, enabled: true } });
  if (!row || !row.enabled) return mapLimit(seriesIds, SINGLE_CONCURRENCY, (seriesId) => runDetection({ detectorId, seriesId }));
  const detector: DetectorRow = row;
  const sorted = [...seriesIds].sort();

  // Checkpoints of the attached pairs, rows created when missing (in key order).
  const starts = await timed("batch.start", () =>
    prisma.$queryRaw<StartRow[]>`
      WITH ok AS (
        SELECT ds."seriesId" FROM "DetectorSeries" ds
        WHERE ds."detectorId" = ${detectorId} AND ds."seriesId" = ANY(${sorted}::text[])
      ), ins AS (
        INSERT INTO "DetectorState" ("detectorId", "seriesId", "updatedAt")
        SELECT ${detectorId}, ok."seriesId", now() FROM ok ORDER BY ok."seriesId"
        ON CONFLICT ("detectorId", "seriesId") DO NOTHING
        RETURNING "seriesId", state, watermark, "modelId"
      )
      SELECT x.*, EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ${detectorId} AND r."seriesId" = x."seriesId") AS redetect
      FROM (
        SELECT "seriesId", state, watermark, "modelId" FROM ins
        UNION ALL
        SELECT s."seriesId", s.state, s.watermark, s."modelId" FROM "DetectorState" s JOIN ok ON ok."seriesId" = s."seriesId"
        WHERE s."detectorId" = ${detectorId}
      ) x`,
  );
  // A pending re-detection rewinds first: the per-pair path does that.
  const start = new Map(starts.filter((s) => !s.redetect).map((s) => [key(s.seriesId), s]));
  const batch = sorted.filter((s) => start.has(s));
  for (const s of sorted) if (!start.has(s)) results.set(s, "single");

  // Points past each watermark, one page per series, in one statement.
  const after = batch.map((s) => start.get(s)!.watermark?.toISOString() ?? "");
  const pts = batch.length
    ? await timed("batch.readPoints", async () => {
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
        return rows.map(([seriesId, ms, value]) => ({ seriesId, ts: new Date(ms), value }));
      })
    : [];
  const bySeries = new Map<string, { ts: Date; value: number }[]>();
  for (const p of pts) {
    const list = bySeries.get(p.seriesId) ?? [];
    list.push(p);
    bySeries.set(p.seriesId, list);
  }

  const writes: { seriesId: string; state: string; next: Date; points: number }[] = [];
  for (const s of batch) {
    const cp = start.get(s)!;
    const page = bySeries.get(s) ?? [];
    if (page.length === 0) {
      results.set(s, { status: "done", points: 0, pages: 0, anomalies: 0, watermark: cp.watermark?.toISOString() ?? null });
      continue;
    }
    if (page.length >= pageSize) {
      results.set(s, "single");
      continue;
    }
    const scorer = createScorer(detector, cp.state);
    if (scorer.until !== undefined) {
      results.set(s, "single"); // re-deriving incidents after a rewind: the per-pair path reconciles every page
      continue;
    }
    let events = 0;
    for (const p of page) events += scorer.push(p.ts.getTime(), p.value).length;
    if (events > 0 || scorer.tracker.current() || scorer.sinceSnapshot >= SNAPSHOT_POINTS) {
      results.set(s, "single"); // incidents to write or a snapshot due: the per-pair transaction does it
      continue;
    }
    writes.push({ seriesId: s, state: JSON.stringify(scorer.save()), next: page[page.length - 1].ts, points: page.length });
  }

  await opts.afterScore?.();
  if (writes.length > 0) {
    const saved = await timed("batch.commitTx", () =>
      prisma.$transaction(async (tx) => {
        const ids = writes.map((w) => w.seriesId);
        const locked = await tx.$queryRaw<{ seriesId: string; watermark: Date | null; modelId: string | null }[]>`
          SELECT "seriesId", watermark, "modelId" FROM "DetectorState"
          WHERE "detectorId" = ${detectorId} AND "seriesId" = ANY(${ids}::text[])
          ORDER BY "seriesId" FOR UPDATE`;
        const now = new Map(locked.map((l) => [l.seriesId, l]));
        // Points stored in (watermark, new watermark] now: more than were scored means one landed
        // inside the page meanwhile (see countPointsIn); that pair is not saved and re-runs.
        const counted = await tx.$queryRaw<{ seriesId: string; n: number }[]>`
          SELECT v.s AS "seriesId", (SELECT count(*)::int FROM "DataPoint" p
            WHERE p."seriesId" = v.s AND (v.after = '' OR p.ts > v.after::timestamptz) AND p.ts <= v.upto::timestamptz) AS n
          FROM unnest(${ids}::text[], ${writes.map((w) => start.get(w.seriesId)!.watermark?.toISOString() ?? "")}::text[], ${writes.map((w) => w.next.toISOString())}::text[]) AS v(s, after, upto)`;
        const stored = new Map(counted.map((c) => [c.seriesId, c.n]));
        const ok = writes.filter((w) => {
          const l = now.get(w.seriesId);
          const cp = start.get(w.seriesId)!;
          return !!l && (l.watermark?.getTime() ?? null) === (cp.watermark?.getTime() ?? null) && l.modelId === cp.modelId && stored.get(w.seriesId) === w.points;
        });
        if (ok.length > 0) {
          await tx.$executeRaw`
            UPDATE "DetectorState" s SET state = v.state::jsonb, watermark = v.wm::timestamptz, "updatedAt" = now()
            FROM unnest(${ok.map((w) => w.seriesId)}::text[], ${ok.map((w) => w.state)}::text[], ${ok.map((w) => w.next.toISOString())}::text[]) AS v(s, state, wm)
            WHERE s."detectorId" = ${detectorId} AND s."seriesId" = v.s`;
        }
        return new Set(ok.map((w) => w.seriesId));
      }, { timeout: 60_000 }),
    );
    for (const w of writes) {
      const cp = start.get(w.seriesId)!;
      results.set(
        w.seriesId,
        saved.has(w.seriesId)
          ? { status: "done", points: w.points, pages: 1, anomalies: 0, watermark: w.next.toISOString() }
          : { status: "superseded", points: 0, pages: 0, anomalies: 0, watermark: cp.watermark?.toISOString() ?? null },
      );
    }
  }

  return mapLimit(seriesIds, SINGLE_CONCURRENCY, async (seriesId) => {
    const r = results.get(seriesId);
    return !r || r === "single" ? runDetection({ detectorId, seriesId }) : r;
  });
}
