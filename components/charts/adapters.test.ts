import { describe, expect, it } from "vitest";
import type { PreviewPoint } from "@/lib/detectors/schemas";
import { SEVERITY_COLORS, medianStep, memberPreviewPoints, topMember, thinRows, toAnomalyAreas, toBucketRows, toEventAreas, toPreviewRows, valueDomain, withGaps } from "./adapters";

const pt = (t: number, value: number, extra: Partial<PreviewPoint> = {}): PreviewPoint => ({ t, value, score: null, expected: null, lower: null, upper: null, ...extra });

describe("withGaps", () => {
  it("inserts one null row in a step longer than three median steps, and none otherwise", () => {
    const rows = [0, 10, 20, 30, 100, 110].map((t) => ({ t, v: t as number | null }));
    const out = withGaps(rows, (t) => ({ t, v: null }));
    expect(out.map((r) => r.v)).toEqual([0, 10, 20, 30, null, 100, 110]);
    expect(out[4].t).toBe(65);
    expect(withGaps(rows.slice(0, 4), (t) => ({ t, v: null }))).toHaveLength(4);
  });

  it("leaves empty and single-row input alone", () => {
    expect(withGaps([], (t) => ({ t }))).toEqual([]);
    expect(withGaps([{ t: 5 }], (t) => ({ t }))).toEqual([{ t: 5 }]);
    expect(medianStep([1, 1, 1])).toBe(0);
  });
});

describe("toPreviewRows", () => {
  it("keeps missing scores and bands as null, never 0, and marks points inside events", () => {
    const rows = toPreviewRows(
      [pt(0, 1), pt(1, 2, { score: 0.1, expected: 2, lower: 1, upper: 3 }), pt(2, 9, { score: 0.9, expected: 2, lower: 1, upper: 3 })],
      [{ start: 2, end: 2, peakT: 2, peakScore: 0.9, severity: "high", pointCount: 1 }],
    );
    expect(rows[0]).toEqual({ t: 0, value: 1, expected: null, band: null, score: null, anomaly: null });
    expect(rows[1]).toMatchObject({ band: [1, 3], score: 0.1, anomaly: null });
    expect(rows[2]).toMatchObject({ anomaly: 9, score: 0.9 });
  });

  it("breaks lines at a gap in time", () => {
    const rows = toPreviewRows([pt(0, 1), pt(1, 1), pt(2, 1), pt(50, 1)], []);
    expect(rows.map((r) => r.value)).toEqual([1, 1, 1, null, 1]);
  });
});

describe("toBucketRows", () => {
  it("draws a min-max range only for buckets of several points and null rows in gaps", () => {
    const rows = toBucketRows([
      { t: 0, min: 1, max: 3, avg: 2, count: 4 },
      { t: 10, min: 5, max: 5, avg: 5, count: 1 },
      { t: 20, min: 0, max: 1, avg: 0.5, count: 2 },
      { t: 90, min: 0, max: 1, avg: 0.5, count: 2 },
    ]);
    expect(rows.map((r) => r.avg)).toEqual([2, 5, 0.5, null, 0.5]);
    expect(rows[0].range).toEqual([1, 3]);
    expect(rows[1].range).toBeNull();
  });
});

describe("toEventAreas and valueDomain", () => {
  it("widens one-point events by half a step on each side, and to a minimum share of the span", () => {
    const ev = { start: 20, end: 20, peakT: 20, peakScore: 1, severity: "critical" as const, pointCount: 1 };
    expect(toEventAreas([ev], [0, 10, 20])).toEqual([{ x1: 15, x2: 25, severity: "critical" }]);
    const long = Array.from({ length: 1001 }, (_, i) => i * 10);
    expect(toEventAreas([ev], long, 0.01)).toEqual([{ x1: -30, x2: 70, severity: "critical" }]);
  });

  it("spans values and band, ignoring nulls", () => {
    const rows = toPreviewRows([pt(0, 10), pt(1, 20, { lower: 5, upper: 30 })], []);
    expect(valueDomain(rows)).toEqual([3.75, 31.25]);
    expect(valueDomain([])).toBeUndefined();
  });
});

describe("thinRows", () => {
  const many = toPreviewRows(
    Array.from({ length: 9000 }, (_, i) => pt(i, i === 4321 ? 100 : i % 7, { score: i === 6000 ? 0.99 : 0.1 })),
    [{ start: 7000, end: 7002, peakT: 7001, peakScore: 0.8, severity: "low", pointCount: 3 }],
  );

  it("keeps spikes, score peaks and every anomalous point while cutting the rest", () => {
    const out = thinRows(many, 1500);
    expect(out.length).toBeLessThanOrEqual(1500 + 3);
    expect(out.find((r) => r.t === 4321)?.value).toBe(100);
    expect(out.find((r) => r.t === 6000)?.score).toBe(0.99);
    expect(out.filter((r) => r.anomaly !== null).map((r) => r.t)).toEqual([7000, 7001, 7002]);
    expect(out.every((r, i) => i === 0 || r.t > out[i - 1].t)).toBe(true);
  });

  it("keeps gap rows and returns short input unchanged", () => {
    const gapped = toPreviewRows([...Array.from({ length: 3000 }, (_, i) => pt(i, 1)), pt(10_000, 1)], []);
    expect(thinRows(gapped, 300).some((r) => r.value === null)).toBe(true);
    expect(thinRows(many.slice(0, 10), 1500)).toHaveLength(10);
  });
});

describe("toAnomalyAreas", () => {
  const range = { from: 1_000, to: 101_000 };

  it("drops anomalies outside the range, clips the rest to it and colours them by severity", () => {
    const out = toAnomalyAreas(
      [
        { start: 0, end: 500, severity: "HIGH" },
        { start: 500, end: 20_000, severity: "CRITICAL" },
        { start: 50_000, end: 60_000, severity: "LOW" },
        { start: 200_000, end: 300_000, severity: "HIGH" },
      ],
      range,
    );
    expect(out).toEqual([
      { x1: 1_000, x2: 20_000, color: SEVERITY_COLORS.CRITICAL },
      { x1: 50_000, x2: 60_000, color: SEVERITY_COLORS.LOW },
    ]);
  });

  it("widens a one-point anomaly to a visible share of a long range, centred on it", () => {
    expect(toAnomalyAreas([{ start: 51_000, end: 51_000, severity: "medium" }], range, 0.01)).toEqual([{ x1: 50_500, x2: 51_500, color: SEVERITY_COLORS.MEDIUM }]);
  });
});

describe("toBucketRows on the downsampling grid", () => {
  it("a run of empty buckets is a gap (null rows), a single empty bucket between full ones is not", () => {
    const b = (t: number, v: number) => ({ t, min: v - 1, max: v + 1, avg: v, count: 3 });
    const rows = toBucketRows([b(0, 1), b(10, 2), b(20, 3), b(40, 4), b(50, 5), b(200, 6), b(210, 7)]);
    expect(rows.map((r) => r.avg)).toEqual([1, 2, 3, 4, 5, null, 6, 7]);
    expect(rows.every((r) => r.avg !== 0)).toBe(true);
  });
});

describe("group preview adapters", () => {
  const points = [
    { t: 0, values: [1, 10], score: null, attribution: null },
    { t: 1, values: [2, 30], score: 0.9, attribution: [{ share: 0.2, direction: "below" as const }, { share: 0.8, direction: "above" as const }] },
  ];
  it("draws one member's aligned values with the group's score, no made-up band", () => {
    expect(memberPreviewPoints(points, 1)).toEqual([pt(0, 10), pt(1, 30, { score: 0.9 })]);
  });
  it("names the member with the largest share, or none without attribution", () => {
    expect(topMember(points[1].attribution)).toBe(1);
    expect(topMember(null)).toBeNull();
  });
});
