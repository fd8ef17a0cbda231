import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { NAB_PROFILES, corpusBounds, normalizeNabScore, prepareFile, scoreCorpus, sweepCorpus } from "./index";

function randomCorpus(seed: number) {
  const rng = createRng(seed);
  return Array.from({ length: 4 }, () => {
    const rows = 200 + rng.int(300);
    const timestamps = Array.from({ length: rows }, (_, i) => i * 1000);
    const scores = timestamps.map(() => Math.round(rng.next() * 50) / 50);
    const start = 60 + rng.int(rows - 100);
    const windows = [{ start: start * 1000, end: (start + 5 + rng.int(30)) * 1000 }];
    return prepareFile({ timestamps, scores, windows });
  });
}

describe("sweepCorpus", () => {
  it.each([1, 2, 3])("finds the best total a brute-force threshold search finds (seed %i)", (seed) => {
    const files = randomCorpus(seed);
    for (const profile of Object.values(NAB_PROFILES)) {
      const thresholds = [Infinity, ...new Set(files.flatMap((f) => Array.from(f.scores)))];
      const brute = thresholds.map((t) => scoreCorpus(files, t, profile)).sort((a, b) => b.score - a.score)[0];
      const best = sweepCorpus(files, profile);
      expect(best.score).toBeCloseTo(brute.score, 9);
      const atBest = scoreCorpus(files, best.threshold, profile);
      expect(atBest.score).toBeCloseTo(best.score, 9);
      expect([atBest.tp, atBest.fp, atBest.tn, atBest.fn]).toEqual([best.tp, best.fp, best.tn, best.fn]);
    }
  });

  it("returns the no-detection baseline when every detection costs", () => {
    const timestamps = Array.from({ length: 100 }, (_, i) => i);
    const scores = timestamps.map((i) => (i === 80 ? 1 : 0));
    const files = [prepareFile({ timestamps, scores, windows: [{ start: 30, end: 35 }] })];
    const best = sweepCorpus(files, NAB_PROFILES.standard);
    expect(best.threshold).toBe(Infinity);
    expect(normalizeNabScore(best.score, corpusBounds(files, NAB_PROFILES.standard))).toBe(0);
  });
});
