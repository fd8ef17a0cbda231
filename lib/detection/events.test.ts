import { describe, expect, it } from "vitest";
import { createEventTracker, severityOf, toEvents, type EventOptions } from "./events";
import { zToScore } from "./common/normal";
import { createRng } from "./random";
import type { Scored } from "./types";

const pts = (scores: number[], step = 1000): Scored[] => scores.map((score, i) => ({ t: i * step, score, raw: score }));

describe("toEvents", () => {
  it("merges consecutive anomalous points and reports the peak", () => {
    const s = pts([0, 0.95, 0.999, 0.96, 0, 0, 0.97, 0]);
    s[2].expected = 5;
    const e = toEvents(s, { threshold: 0.9 }, [1, 2, 9, 3, 4, 5, 6, 7]);
    expect(e).toHaveLength(2);
    expect(e[0]).toMatchObject({ start: 1000, end: 3000, peakT: 2000, peakScore: 0.999, pointCount: 3, actual: 9, expected: 5 });
    expect(e[1]).toMatchObject({ start: 6000, end: 6000, pointCount: 1, ongoing: false });
  });

  it("reports the direction at the peak and the ensemble member that drove it", () => {
    const s = pts([0.95, 0.99, 0, 0.97]);
    s[1] = { ...s[1], expected: 5, driver: "zscore" };
    s[3] = { ...s[3], expected: 5, driver: "flatline" };
    const e = toEvents(s, { threshold: 0.9 }, [1, 9, 0, 2]);
    expect(e[0]).toMatchObject({ peakT: 1000, direction: "above", driver: "zscore" });
    expect(e[1]).toMatchObject({ direction: "below", driver: "flatline" });
  });

  it("merges across up to mergeGapPoints normal points, or mergeGapMs of time", () => {
    const s = pts([1, 0, 0, 1, 0, 0, 0, 1]);
    expect(toEvents(s, { threshold: 0.5, mergeGapPoints: 2 }).map((e) => [e.start, e.end])).toEqual([
      [0, 3000],
      [7000, 7000],
    ]);
    expect(toEvents(s, { threshold: 0.5, mergeGapMs: 4000 })).toHaveLength(1);
    expect(toEvents(s, { threshold: 0.5 })).toHaveLength(3);
  });

  it("ignores skipped points and drops events shorter than minPoints", () => {
    const s = pts([1, 0, 1, 1, 0]);
    s[1] = { ...s[1], skipped: "invalid" };
    expect(toEvents(s, { threshold: 0.5 })).toMatchObject([{ start: 0, end: 3000, pointCount: 3 }]);
    expect(toEvents(pts([1, 0, 1, 1]), { threshold: 0.5, minPoints: 2 })).toMatchObject([{ start: 2000, pointCount: 2 }]);
  });

  it("grades severity by rarity relative to the threshold (3 / 3.7 / 4.5 / 5.6 sigma at 0.5)", () => {
    expect(severityOf(zToScore(3.2), 0.5)).toBe("low");
    expect(severityOf(zToScore(4), 0.5)).toBe("medium");
    expect(severityOf(zToScore(5), 0.5)).toBe("high");
    expect(severityOf(zToScore(6), 0.5)).toBe("critical");
    expect(severityOf(1, 0.9)).toBe("critical");
  });
});

describe("createEventTracker", () => {
  it("gives the batch events when fed in chunks with a JSON round trip of its state between", () => {
    const rng = createRng(7);
    const scored = pts(Array.from({ length: 5000 }, () => (rng.next() < 0.15 ? 0.9 + rng.next() * 0.1 : rng.next() * 0.9)));
    const opts: EventOptions = { threshold: 0.95, mergeGapPoints: 3, mergeGapMs: 2500, minPoints: 2 };
    const batch = toEvents(scored, opts);
    expect(batch.length).toBeGreaterThan(20);

    const streamed = [];
    let state = undefined;
    for (let i = 0; i < scored.length; i += 137) {
      const tracker = createEventTracker(opts, state);
      for (const s of scored.slice(i, i + 137)) streamed.push(...tracker.push(s));
      state = JSON.parse(JSON.stringify(tracker.getState()));
    }
    streamed.push(...createEventTracker(opts, state).flush());
    expect(streamed).toEqual(batch);
  });

  it("exposes the open event as ongoing so a worker can upsert it before it closes", () => {
    const tracker = createEventTracker({ threshold: 0.5 });
    tracker.push({ t: 1, score: 0.7, raw: 0 });
    tracker.push({ t: 2, score: 0.9, raw: 0 });
    expect(tracker.current()).toMatchObject({ start: 1, end: 2, peakScore: 0.9, ongoing: true });
    expect(tracker.push({ t: 3, score: 0.1, raw: 0 })).toMatchObject([{ start: 1, end: 2, ongoing: false }]);
    expect(tracker.current()).toBeNull();
  });
});
