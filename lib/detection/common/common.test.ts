import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { AnomalyLikelihood, likelihoodParams } from "./anomaly-likelihood";
import { checkObservation } from "./input-guard";
import { erfc, log10NormalTail, normalTail, scoreToDecades, zToScore } from "./normal";
import { DAY_MS, HOUR_MS, WEEK_MS, detectPeriod, medianInterval } from "./period";
import { RingBuffer } from "./ring-buffer";
import { RollingStats, RunningStats } from "./rolling-stats";
import { SortedWindow } from "./sorted-window";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

describe("checkObservation", () => {
  it("applies the one policy: invalid, duplicate, out-of-order, else null", () => {
    expect(checkObservation({ t: 5, values: [NaN] }, null)).toBe("invalid");
    expect(checkObservation({ t: 5, values: [Infinity] }, null)).toBe("invalid");
    expect(checkObservation({ t: 5, values: [null as unknown as number] }, null)).toBe("invalid");
    expect(checkObservation({ t: NaN, values: [1] }, null)).toBe("invalid");
    expect(checkObservation({ t: 5, values: [] }, null)).toBe("invalid");
    expect(checkObservation({ t: 5, values: [1] }, 5)).toBe("duplicate");
    expect(checkObservation({ t: 4, values: [1] }, 5)).toBe("out-of-order");
    expect(checkObservation({ t: 6, values: [1] }, 5)).toBeNull();
    expect(checkObservation({ t: 6, values: [1, NaN] }, 5, 2)).toBe("invalid");
  });
});

describe("RingBuffer", () => {
  it("evicts oldest first and round-trips oldest-first", () => {
    const r = new RingBuffer(3);
    expect([1, 2, 3].map((x) => r.push(x))).toEqual([NaN, NaN, NaN]);
    expect(r.push(4)).toBe(1);
    expect(r.toArray()).toEqual([2, 3, 4]);
    expect(r.last()).toBe(4);
    expect(new RingBuffer(3, r.toArray()).toArray()).toEqual([2, 3, 4]);
  });
});

describe("rolling statistics", () => {
  it("Welford matches the textbook sample variance of 2,4,4,4,5,5,7,9 (32/7)", () => {
    const s = new RunningStats();
    [2, 4, 4, 4, 5, 5, 7, 9].forEach((x) => s.push(x));
    expect(s.mean).toBe(5);
    expect(s.variance()).toBeCloseTo(32 / 7, 12);
  });

  it("sliding mean/variance equal a brute-force recomputation at every step", () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 2000 }, () => 1e6 + rng.normal() * 10);
    const w = new RollingStats(37);
    xs.forEach((x, i) => {
      w.push(x);
      const win = xs.slice(Math.max(0, i - 36), i + 1);
      const mean = win.reduce((a, b) => a + b, 0) / win.length;
      const v = win.length > 1 ? win.reduce((a, b) => a + (b - mean) ** 2, 0) / (win.length - 1) : 0;
      expect(w.mean).toBeCloseTo(mean, 6);
      expect(w.variance()).toBeCloseTo(v, 4);
    });
  });

  it("sorted window median, quantiles and MAD equal brute force, including ties", () => {
    const rng = createRng(9);
    for (const size of [1, 2, 5, 50]) {
      const w = new SortedWindow(size);
      const xs: number[] = [];
      for (let i = 0; i < 400; i++) {
        const x = rng.next() < 0.3 ? Math.round(rng.next() * 4) : rng.normal();
        xs.push(x);
        w.push(x);
        const win = xs.slice(-size);
        // The whole sorted copy, not only its middle: eviction swaps values in place.
        const sorted = [...win].sort((a, b) => a - b);
        expect(Array.from({ length: w.size }, (_, k) => w.at(k))).toEqual(sorted);
        const m = median(win);
        expect(w.median()).toBeCloseTo(m, 12);
        expect(w.mad()).toBeCloseTo(median(win.map((v) => Math.abs(v - m))), 12);
        expect(w.mad(0.3)).toBeCloseTo(median(win.map((v) => Math.abs(v - 0.3))), 12);
      }
    }
    const q = new SortedWindow(10, [1, 2, 3, 4, 5]);
    expect(q.quantile(0.25)).toBe(2); // numpy.percentile([1..5], 25)
    expect(q.quantile(0.9)).toBeCloseTo(4.6, 12);
    expect(q.rank(3)).toBe(0.4);
  });
});

describe("normal tails", () => {
  it("matches published values of erfc and the normal tail", () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(normalTail(1.959963985) / 0.025).toBeCloseTo(1, 5);
    expect(normalTail(6) / 9.8658765e-10).toBeCloseTo(1, 5); // relative accuracy in the far tail
    expect(zToScore(0)).toBe(0);
    expect(zToScore(3)).toBeCloseTo(0.5, 12);
    expect(zToScore(-3)).toBe(zToScore(3));
    // 2Q(4) = 6.334e-5 (published): 4.1983 decades.
    expect(scoreToDecades(zToScore(4))).toBeCloseTo(-Math.log10(6.334248e-5), 5);
    // Still ordered where 1 - 2Q(|z|) is exactly 1 in floating point.
    expect(zToScore(20)).toBeLessThan(zToScore(50));
    expect(zToScore(50)).toBeLessThan(1);
    expect(log10NormalTail(40)).toBeCloseTo(-350 + Math.log10(3.655893540915), 5);
  });
});

describe("AnomalyLikelihood", () => {
  const p = likelihoodParams.parse({ learningPoints: 100, longWindow: 500 });

  it("stays calm on a steadily noisy score and alerts when errors cluster", () => {
    const rng = createRng(1);
    const al = new AnomalyLikelihood(p);
    let calmMax = 0;
    for (let i = 0; i < 1000; i++) {
      const r = al.update(rng.next() * 0.4);
      if (!r.learning) calmMax = Math.max(calmMax, r.logScore);
    }
    expect(calmMax).toBeLessThan(0.6); // the max of ~900 calm points: about a 1e-3 tail
    let burst = 0;
    for (let i = 0; i < 10; i++) burst = Math.max(burst, al.update(1).logScore);
    expect(burst).toBeGreaterThan(0.75);
  });

  it("resumes exactly from its JSON state", () => {
    const rng = createRng(2);
    const xs = Array.from({ length: 600 }, () => rng.next());
    const a = new AnomalyLikelihood(p);
    const all = xs.map((x) => a.update(x));
    const b = new AnomalyLikelihood(p);
    const head = xs.slice(0, 250).map((x) => b.update(x));
    const c = new AnomalyLikelihood(p, JSON.parse(JSON.stringify(b.getState())));
    expect([...head, ...xs.slice(250).map((x) => c.update(x))]).toEqual(all);
  });
});

describe("detectPeriod", () => {
  const series = (n: number, stepMs: number, f: (t: number, i: number) => number) => {
    const rng = createRng(4);
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < n; i++) {
      if (rng.next() < 0.05) continue; // gaps must not shift lags
      const t = Date.UTC(2024, 0, 1) + i * stepMs;
      ts.push(t);
      vs.push(f(t, i) + rng.normal() * 0.3);
    }
    return { ts, vs };
  };

  it("finds a daily season at 5-minute sampling, despite a trend and gaps", () => {
    const { ts, vs } = series(288 * 5, 300_000, (t, i) => Math.sin((2 * Math.PI * t) / DAY_MS) * 2 + i * 0.01);
    expect(medianInterval(ts)).toBe(300_000);
    expect(detectPeriod(ts, vs)?.periodMs).toBe(DAY_MS);
  });

  it("finds a weekly season (weekends low) at hourly sampling", () => {
    const { ts, vs } = series(24 * 7 * 4, HOUR_MS, (t) => (new Date(t).getUTCDay() % 6 === 0 ? 0 : 5));
    expect(detectPeriod(ts, vs)?.periodMs).toBe(WEEK_MS);
  });

  it("returns null for noise and for a pure trend", () => {
    expect(detectPeriod(...Object.values(series(3000, 300_000, () => 0)) as [number[], number[]])).toBeNull();
    expect(detectPeriod(...Object.values(series(3000, 300_000, (_, i) => i * 0.05)) as [number[], number[]])).toBeNull();
  });
});
