/**
 * Rings the detection doorbell once points are committed. Best effort: a failure is logged and
 * swallowed, because the reconciler re-derives pending work from the database anyway.
 */
import { logger } from "@/lib/logger";

type Scheduler = (seriesIds: string[]) => Promise<void>;

// The detection pipeline registers its scheduler here (see lib/pipeline); until it does, new
// points are found by the reconciler alone.
let scheduler: Scheduler | null = null;

export function setDetectionScheduler(fn: Scheduler | null): void {
  scheduler = fn;
}

export async function afterPointsWritten(seriesIds: string[]): Promise<void> {
  if (!scheduler || seriesIds.length === 0) return;
  try {
    await scheduler(seriesIds);
  } catch (err) {
    logger.warn({ err, series: seriesIds.length }, "could not schedule detection after ingest; the reconciler will pick it up");
  }
}
