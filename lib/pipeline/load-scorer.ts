/**
 * The scorer a detect run starts from: the worker's cached one when the pair is still at the
 * version this worker committed, else rebuilt from the database: the newest snapshot at or before
 * the watermark (with the pair's model) and a replay of the points after it up to the watermark.
 * Replaying stored points through the same code gives the state streaming had, bit for bit, so a
 * cache miss (a restart, another worker, an evicted entry) changes nothing but time.
 */
import { createScorer, configKey, type DetectorRow, type Scorer } from "@/lib/pipeline/scoring";
import { takeCachedScorer } from "@/lib/pipeline/state-cache";
import type { Checkpoint } from "@/lib/server/queries/detector-state";
import { readPointsAfter, readPointsBefore } from "@/lib/server/queries/detector-state";
import { readSnapshot } from "@/lib/server/queries/redetect";

/** Without a snapshot (a pair reset by an edit, or never snapshotted), at most this many points are replayed as warm-up. */
export const REPLAY_WITHOUT_SNAPSHOT = 10_000;
const PAGE = 10_000;

/** What a cached scorer must have been built for. */
export function scorerConfig(detector: DetectorRow, modelId: string | null): string {
  return `${configKey(detector)}\u0000${detector.threshold}\u0000${modelId ?? ""}`;
}

export async function loadScorer(detector: DetectorRow, seriesId: string, cp: Checkpoint): Promise<{ scorer: Scorer; replayed: number }> {
  const cached = takeCachedScorer(detector.id, seriesId, cp.version, scorerConfig(detector, cp.modelId));
  if (cached) return { scorer: cached, replayed: 0 };
  const snap = await readSnapshot(detector.id, seriesId, cp.watermark, cp.modelId);
  const scorer = createScorer(detector, snap?.state);
  if (!cp.watermark) return { scorer, replayed: 0 };
  let replayed = 0;
  const push = (points: { ts: Date; value: number }[]) => {
    for (const p of points) scorer.push(p.ts.getTime(), p.value);
    replayed += points.length;
  };
  if (snap) {
    let after = snap.watermark;
    for (;;) {
      const page = await readPointsAfter(seriesId, after, PAGE, cp.watermark);
      push(page);
      if (page.length < PAGE) break;
      after = page[page.length - 1].ts;
    }
  } else {
    push(await readPointsBefore(seriesId, new Date(cp.watermark.getTime() + 1), REPLAY_WITHOUT_SNAPSHOT));
  }
  return { scorer, replayed };
}
