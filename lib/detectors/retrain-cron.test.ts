import { describe, expect, it } from "vitest";
import { getNextMillis } from "bullmq";
import { ZRetrainCron, checkRetrainCron } from "@/lib/detectors/retrain-cron";
import { ZUpdateDetector } from "@/lib/detectors/schemas";

const NOW = new Date("2026-11-25T01:30:00Z");

describe("checkRetrainCron", () => {
  it("accepts what BullMQ schedules, and BullMQ runs it in UTC where we said", () => {
    for (const p of ["0 3 * * *", "*/15 * * * *", "0 3 * * mon", "@daily", "0 0 3 * * *"]) expect(checkRetrainCron(p, NOW)).toBeNull();
    expect(new Date(getNextMillis(NOW.getTime(), { pattern: "0 3 * * *", tz: "UTC" })!).toISOString()).toBe("2026-11-25T03:00:00.000Z");
  });

  it("explains what cron-parser refuses: junk, out-of-range fields, a date that never comes, too many fields", () => {
    expect(checkRetrainCron("every day", NOW)).toMatch(/^Not a valid cron expression \(.+\)$/);
    expect(checkRetrainCron("61 * * * *", NOW)).toBe("Not a valid cron expression (Constraint error, got value 61 expected range 0-59)");
    expect(checkRetrainCron("0 0 30 2 *", NOW)).toMatch(/^Not a valid cron expression/);
    expect(checkRetrainCron("0 3 * * * * *", NOW)).toMatch(/^Not a valid cron expression/);
  });

  it("refuses patterns that fire more than once a minute (a seconds field)", () => {
    expect(checkRetrainCron("* * * * * *", NOW)).toBe("Runs more than once a minute");
    expect(checkRetrainCron("*/10 * * * * *", NOW)).toBe("Runs more than once a minute");
    expect(checkRetrainCron("* * * * *", NOW)).toBeNull();
  });
});

describe("ZRetrainCron", () => {
  it("normalizes spacing, reads blank as cleared (cron-parser would read it as every minute), keeps null", () => {
    expect(ZRetrainCron.parse("  0  3 * *   * ")).toBe("0 3 * * *");
    expect(ZRetrainCron.parse("   ")).toBeNull();
    expect(ZRetrainCron.parse(null)).toBeNull();
  });

  it("reports a bad pattern on the retrainCron field of a detector edit", () => {
    const r = ZUpdateDetector.safeParse({ retrainCron: "0 25 * * *" });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([
      expect.objectContaining({ path: ["retrainCron"], message: expect.stringMatching(/^Not a valid cron expression .*; expected cron, e\.g\. 0 3 \* \* \*/) }),
    ]);
    expect(ZUpdateDetector.parse({ name: "x" })).toEqual({ name: "x" });
  });
});
