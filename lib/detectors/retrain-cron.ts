/**
 * A detector's retrain schedule (`Detector.retrainCron`): a cron pattern checked with the parser
 * BullMQ itself runs job schedulers with (cron-parser), in UTC, so what the API accepts is what
 * the worker runs. Isomorphic: no I/O.
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

/** Schedulers run their pattern in this zone, whatever the worker machine's zone is. */
export const RETRAIN_TZ = "UTC";
export const RETRAIN_CRON_HINT = "cron, e.g. 0 3 * * * (daily 03:00 UTC)";
const MIN_GAP_MS = 60_000;
const RUNS_CHECKED = 6;

/** Why BullMQ could not run `pattern` as a retrain schedule, or null when it can. */
export function checkRetrainCron(pattern: string, now = new Date()): string | null {
  let runs: number[];
  try {
    const it = CronExpressionParser.parse(pattern, { tz: RETRAIN_TZ, currentDate: now });
    runs = Array.from({ length: RUNS_CHECKED }, () => it.next().getTime());
  } catch (e) {
    return `Not a valid cron expression (${(e as Error).message})`;
  }
  // A seconds field can make a pattern fire every second: a model retrained that often is never meant.
  if (runs.some((t, i) => i > 0 && t - runs[i - 1] < MIN_GAP_MS)) return "Runs more than once a minute";
  return null;
}

/** A pattern, or null (also for a blank string, which cron-parser would read as "every minute") to clear it. */
export const ZRetrainCron = z
  .string()
  .max(100, "At most 100 characters")
  .nullable()
  .transform((v) => v?.trim().replace(/\s+/g, " ") || null)
  .superRefine((v, ctx) => {
    const problem = v === null ? null : checkRetrainCron(v);
    if (problem) ctx.addIssue({ code: "custom", message: `${problem}; expected ${RETRAIN_CRON_HINT}` });
  });
