/**
 * Rings the detection doorbell once points are committed. Best effort: a failure is logged and
 * swallowed, because the reconciler re-derives pending work from the database anyway.
 */
import { logger } from "@/lib/logger";
import { scheduleDetection } from "@/lib/pipeline/schedule";

/** `earliestMs[i]` is the earliest point written to `seriesIds[i]`; late ones get re-scored. */
export async function afterPointsWritten(seriesIds: string[], earliestMs?: number[]): Promise<void> {
  if (seriesIds.length === 0) return;
  try {
    await scheduleDetection(seriesIds, earliestMs);
  } catch (err) {
    logger.warn({ err, series: seriesIds.length }, "could not schedule detection after ingest; the reconciler will pick it up");
  }
}
