import { describe, expect, it } from "vitest";
import { NAB_PROFILES, prepareFile, probationaryLength, scaledSigmoid, scoreFile } from "./index";

const standard = NAB_PROFILES.standard;
const minute = 60_000;
/** 100 rows one minute apart; one window over rows 40..49. */
const timestamps = Array.from({ length: 100 }, (_, i) => i * minute);
const windows = [{ start: 40 * minute, end: 49 * minute }];
const scoresWith = (hits: Record<number, number>) => timestamps.map((_, i) => hits[i] ?? 0);

describe("scoreFile", () => {
  it("caps the probationary period at 750 rows", () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(4000)).toBe(600);
    expect(probationaryLength(20_000)).toBe(750);
  });

  it("gives full credit to a detection on a window's first row, placed on that row", () => {
    const s = scoreFile({ timestamps, scores: scoresWith({ 40: 1, 41: 1 }), windows }, 0.5, standard);
    expect(s.rowScores[40]).toBeCloseTo(1, 12);
    expect(s.rowScores[41]).toBe(0);
    expect(s.score).toBeCloseTo(1, 12);
    expect([s.tp, s.fn, s.fp, s.tn]).toEqual([2, 8, 0, 75]);
  });

  it("pays a late detection less, still on the window's first row", () => {
    const s = scoreFile({ timestamps, scores: scoresWith({ 45: 1 }), windows }, 0.5, standard);
    expect(s.rowScores[45]).toBe(0);
    expect(s.rowScores[40]).toBeCloseTo(scaledSigmoid(-5 / 10) / scaledSigmoid(-1), 12);
  });

  it("charges a missed window the FN weight and ignores detections in the probationary period", () => {
    const s = scoreFile({ timestamps, scores: scoresWith({ 3: 1 }), windows }, 0.5, NAB_PROFILES.reward_low_FN_rate);
    expect(s.rowScores[3]).toBe(0);
    expect(s.rowScores[40]).toBe(-2);
    expect(s.score).toBe(-2);
  });

  it("charges false positives by distance after the preceding window, and fully before any window", () => {
    const s = scoreFile({ timestamps, scores: scoresWith({ 20: 1, 50: 1, 90: 1 }), windows }, 0.5, standard);
    expect(s.rowScores[20]).toBeCloseTo(-0.11, 12);
    expect(s.rowScores[50]).toBeCloseTo(0.11 * scaledSigmoid(1 / 9), 12);
    expect(s.rowScores[90]).toBeCloseTo(-0.11, 12);
    expect(s.fp).toBe(3);
  });

  it("drops windows that cover no row", () => {
    const prepared = prepareFile({ timestamps, scores: scoresWith({}), windows: [{ start: 10.5 * minute, end: 10.7 * minute }] });
    expect(prepared.spans).toHaveLength(0);
  });
});
