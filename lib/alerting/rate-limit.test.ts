import { describe, expect, it } from "vitest";
import { describeLimit, limitWindowMs, planSlots, SEND_START_GRACE_MS } from "@/lib/alerting/rate-limit";

const t0 = new Date("2026-12-03T10:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("planSlots", () => {
  it("grants what the window has room for; the rest wait until it has room, spaced window/count apart", () => {
    const limit = { count: 2, seconds: 10 };
    const window = limitWindowMs(limit);
    expect(window).toBe(10_000 + SEND_START_GRACE_MS);
    const plan = planSlots(limit, [at(-4_000)], null, t0, 4);
    expect(plan.granted).toBe(1);
    // Slots: -4 s and now. The first waiter goes when -4 s leaves the window; the second could when
    // "now" leaves it, but waiters are spaced window/count apart (no burst of wake-ups).
    const spacing = window / limit.count;
    expect(plan.waits).toEqual([at(-4_000 + window), at(-4_000 + window + spacing), at(-4_000 + 2 * window)]);
  });

  it("slots older than the window do not count", () => {
    expect(planSlots({ count: 1, seconds: 1 }, [at(-5_000)], null, t0, 1)).toEqual({ granted: 1, waits: [] });
  });

  it("waiters queue after the last wake already handed out, one spacing apart", () => {
    const limit = { count: 1, seconds: 1 };
    const plan = planSlots(limit, [at(-100)], at(3_000), t0, 2);
    expect(plan.granted).toBe(0);
    expect(plan.waits).toEqual([at(3_000 + 1_250), at(3_000 + 2_500)]);
    // A queue time in the past is ignored.
    expect(planSlots(limit, [at(-100)], at(-50_000), t0, 1).waits).toEqual([at(-100 + 1_250)]);
  });

  it("never plans more than `count` slots in any window", () => {
    const limit = { count: 3, seconds: 5 };
    const window = limitWindowMs(limit);
    const recent = [at(-4_000), at(-1_000)];
    const plan = planSlots(limit, recent, null, t0, 20);
    const slots = [...recent, ...Array.from({ length: plan.granted }, () => t0), ...plan.waits].map((d) => d.getTime());
    for (const s of slots) expect(slots.filter((x) => x > s - window && x <= s).length).toBeLessThanOrEqual(3);
  });

  it("describes itself", () => {
    expect(describeLimit({ count: 1, seconds: 1 })).toBe("1 message per 1 s");
    expect(describeLimit({ count: 30, seconds: 60 })).toBe("30 messages per 60 s");
  });
});
