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
import { readStepsAfter, readStepsBefore, type Step, type Subject } from "@/lib/server/queries/subject-points";
import { readSnapshot } from "@/lib/server/queries/redetect";

/** Without a snapshot (a pair reset by an edit, or never snapshotted), at most this many points are replayed as warm-up. */
export const REPLAY_WITHOUT_SNAPSHOT = 10_000;
const PAGE = 10_000;

/** What a cached scorer must have been built for. */
export function scorerConfig(detector: DetectorRow, modelId: string | null): string {
  return `${configKey(detector)}\u0000${detector.threshold}\u0000${modelId ?? ""}`;
}

export async function loadScorer(detector: DetectorRow, subject: Subject, cp: Checkpoint): Promise<{ scorer: Scorer; replayed: number }> {
  const cached = takeCachedScorer(detector.id, subject.id, cp.version, scorerConfig(detector, cp.modelId));
  if (cached) return { scorer: cached, replayed: 0 };
  const snap = await readSnapshot(detector.id, subject.id, cp.watermark, cp.modelId);
  const scorer = createScorer(detector, snap?.state);
  if (!cp.watermark) return { scorer, replayed: 0 };
  let replayed = 0;
  const push = (steps: Step[]) => {
    for (const p of steps) scorer.push(p.ts.getTime(), p.values);
    replayed += steps.length;
  };
  if (snap) {
    let after = snap.watermark;
    for (;;) {
      const page = await readStepsAfter(subject, after, PAGE, cp.watermark);
      push(page.steps);
      if (!page.full || !page.upTo) break;
      after = page.upTo;
    }
  } else {
    push(await readStepsBefore(subject, new Date(cp.watermark.getTime() + 1), REPLAY_WITHOUT_SNAPSHOT));
  }
  return { scorer, replayed };
}
