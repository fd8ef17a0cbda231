import { describe, expect, it } from "vitest";
import { ZOverviewQuery, formatLag, toIngestRows, toTimelineRows } from "./schemas";

const T = Date.UTC(2026, 0, 1, 10);
const iso = (t: number) => new Date(t).toISOString();

describe("toTimelineRows", () => {
  it("gives one row per hour with a count per severity, 0 where none started, ignoring buckets outside", () => {
    const rows = toTimelineRows({
      from: iso(T),
      hours: 3,
      buckets: [
        { t: iso(T), severity: "HIGH", count: 2 },
        { t: iso(T), severity: "LOW", count: 1 },
        { t: iso(T + 2 * 3_600_000), severity: "CRITICAL", count: 4 },
        { t: iso(T + 5 * 3_600_000), severity: "CRITICAL", count: 9 },
      ],
    });
    expect(rows).toEqual([
      { t: T, LOW: 1, MEDIUM: 0, HIGH: 2, CRITICAL: 0 },
      { t: T + 3_600_000, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 },
      { t: T + 7_200_000, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 4 },
    ]);
  });
});

describe("toIngestRows", () => {
  it("gives sixty minutes from the start, with the stored counts in their minute", () => {
    const rows = toIngestRows({ from: iso(T), perMinute: [{ t: iso(T + 60_000), count: 30 }, { t: iso(T + 59 * 60_000), count: 6 }] });
    expect(rows).toHaveLength(60);
    expect(rows[0]).toEqual({ t: T, points: 0 });
    expect(rows[1].points).toBe(30);
    expect(rows[59]).toEqual({ t: T + 59 * 60_000, points: 6 });
  });
});

describe("formatLag and the query", () => {
  it("reads a lag in the largest sensible units", () => {
    expect(formatLag(null)).toBe("none");
    expect(formatLag(40_400)).toBe("40 s");
    expect(formatLag(200_000)).toBe("3 min 20 s");
    expect(formatLag(7_500_000)).toBe("2 h 5 min");
    expect(formatLag(5 * 86_400_000)).toBe("5 d");
  });

  it("defaults to 48 hours and refuses more than two weeks", () => {
    expect(ZOverviewQuery.parse({})).toEqual({ hours: 48 });
    expect(ZOverviewQuery.safeParse({ hours: "1000" }).success).toBe(false);
  });
});
