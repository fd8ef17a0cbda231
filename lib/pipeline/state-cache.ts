/**
 * Hot detector state in the worker: the scorer a run ended with, kept for the pair's next run so
 * that a run reads no state and writes none but its watermark. The database stays the ledger: an
 * entry is used only when the pair's DetectorState version is the one this worker committed (any
 * other writer, a rewind or a model install bumps it), and a miss rebuilds the scorer from the
 * newest snapshot plus the points after it (`loadScorer`). Least recently used entries go first.
 */
import { getEnv } from "@/lib/env";
import type { Scorer } from "@/lib/pipeline/scoring";

interface Entry {
  scorer: Scorer;
  version: number;
  /** Detector configuration the scorer was built for (algorithm, params, threshold, model). */
  config: string;
}

const entries = new Map<string, Entry>();
const keyOf = (detectorId: string, subjectId: string) => `${detectorId}\u0000${subjectId}`;

/**
 * Takes the pair's scorer out of the cache (a run mutates it; it goes back only with the version
 * of a successful commit, so a failed or superseded run can never leave a half-advanced scorer).
 */
export function takeCachedScorer(detectorId: string, subjectId: string, version: number, config: string): Scorer | undefined {
  const k = keyOf(detectorId, subjectId);
  const e = entries.get(k);
  if (!e) return undefined;
  entries.delete(k);
  return e.version === version && e.config === config ? e.scorer : undefined;
}

export function cacheScorer(detectorId: string, subjectId: string, version: number, config: string, scorer: Scorer): void {
  const max = getEnv().VIGIL_STATE_CACHE_SIZE;
  if (max === 0) return;
  const k = keyOf(detectorId, subjectId);
  entries.delete(k);
  entries.set(k, { scorer, version, config });
  while (entries.size > max) entries.delete(entries.keys().next().value!);
}

/** Tests: start cold, as a restarted worker would. */
export function clearStateCache(): void {
  entries.clear();
}
