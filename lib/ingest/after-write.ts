/**
 * Rings the detection doorbell once points are committed. Best effort: a failure is logged and
 * swallowed, because the reconciler re-derives pending work from the database anyway.
 */
import { logger } from "@/lib/logger";
import { scheduleDetection } from "@/lib/pipeline/schedule";

/**
 * `seriesIds`: the series whose points a write inserted or changed. Late and corrected points
 * were already turned into RedetectRequests inside the write (lib/ingest/changes.ts); the
 * doorbell makes the next detect run apply them.
 */
export async function afterPointsWritten(seriesIds: string[]): Promise<void> {
  if (seriesIds.length === 0) return;
  try {
    await scheduleDetection(seriesIds);
  } catch (err) {
    logger.warn({ err, series: seriesIds.length }, "could not schedule detection after ingest; the reconciler will pick it up");
  }
}
