/**
 * The doorbell detection rings after a commit that left incidents in the alert outbox. The worker
 * installs it (enqueue `notify.anomaly` on its own queue backend); where none is installed (a
 * script, a test of detection alone) ringing does nothing and the outbox sweep rings instead. A
 * failed ring only logs: the outbox row stays until the notify job has evaluated the anomaly.
 */
import { logger } from "@/lib/logger";

type Ring = (anomalyIds: string[]) => Promise<unknown>;
let ring: Ring | undefined;

export function setAlertDoorbell(fn: Ring | undefined): void {
  ring = fn;
}

export function ringAlerts(anomalyIds: string[]): void {
  if (!ring || anomalyIds.length === 0) return;
  ring(anomalyIds).catch((err) => logger.warn({ err, count: anomalyIds.length }, "could not ring notify.anomaly; the outbox sweep will"));
}
