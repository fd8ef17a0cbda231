import { describe, expect, it } from "vitest";
import { normalTail } from "../common/normal";
import { logGamma, studentTQuantileUpper } from "../common/student-t";
import { runSplit, syntheticSeries } from "../common/testing";
import { createRng } from "../random";
import type { BocpdState } from "./bocpd";
import { type ChangePointState, changePoint } from "./change-point";

const obs = (values: number[]) => values.map((v, i) => ({ t: i * 1000, values: [v] }));

describe("change-point (CUSUM)", () => {
  it("accumulates z - k and alarms at S > h (hand-computed)", () => {
    // reference 0,2,0,2 -> mean 1, sample std 1.1547
    const d = changePoint.create(changePoint.params.parse({ referencePoints: 4, k: 0.5, h: 2 }));
    obs([0, 2, 0, 2]).forEach((o) => d.update(o));
    const sd = Math.sqrt(4 / 3);
    const r1 = d.update({ t: 10_000, values: [1 + 2 * sd] }); // z = 2 -> S+ = 1.5
    expect(r1.raw).toBeCloseTo(1.5, 10);
    expect(r1.score).toBeCloseTo(1.5 / 3.5, 10);
    expect(r1.upper).toBeCloseTo(1 + sd * 2.5, 10);
    const r2 = d.update({ t: 11_000, values: [1 + sd] }); // z = 1 -> S+ = 2 (not above h)
    expect(r2.raw).toBeCloseTo(2, 10);
    const r3 = d.update({ t: 12_000, values: [1 + sd] }); // S+ = 2.5 > h: alarm, then re-learn
    expect(r3.score).toBeGreaterThan(0.5);
    expect(d.update({ t: 13_000, values: [5] }).skipped).toBe("warmup");
  });

  it("detects a 1-sigma level shift within a few dozen points and then re-learns the new level", () => {
    const vals = Array.from({ length: 400 }, (_, i) => (i % 2 ? 1 : -1) + (i >= 200 ? 1 : 0));
    const d = changePoint.create(changePoint.params.parse({}));
    const scores = obs(vals).map((o) => d.update(o));
    const first = scores.findIndex((s) => s.score > 0.5);
    expect(first).toBeGreaterThan(200);
    expect(first).toBeLessThan(215);
    expect(scores.slice(first + 60).every((s) => s.score < 0.5)).toBe(true);
  });

  it("resumes exactly", () => {
    const { all, split } = runSplit(changePoint, { referencePoints: 30 }, syntheticSeries(2000, 4), 1001);
    expect(split).toEqual(all);
  });
});

/**
 * Naive BOCPD reference: enumerates every segmentation of the points after the reference (a
 * boundary before each point with probability H, independently = constant hazard), scores each by
 * the closed-form Normal-Gamma marginal likelihood of its segments, and sums the posterior of the
 * last segment's length (the reference always belongs to the first segment).
 */
function naiveRunLengths(ref: number[], ys: number[], H: number): Map<number, number> {
  const n = ref.length;
  const mu0 = ref.reduce((a, b) => a + b, 0) / n;
  const beta0 = 1 * (ref.reduce((a, b) => a + (b - mu0) ** 2, 0) / (n - 1)); // alpha0 = 1
  const [kappa0, alpha0] = [1, 1];
  const logMarginal = (xs: number[]) => {
    const m = xs.length;
    const mean = xs.reduce((a, b) => a + b, 0) / m;
    const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
    const kn = kappa0 + m;
    const an = alpha0 + m / 2;
    const bn = beta0 + ss / 2 + (kappa0 * m * (mean - mu0) ** 2) / (2 * kn);
    return (
      logGamma(an) - logGamma(alpha0) + alpha0 * Math.log(beta0) - an * Math.log(bn) + 0.5 * Math.log(kappa0 / kn) - (m / 2) * Math.log(2 * Math.PI)
    );
  };
  const T = ys.length;
  const post = new Map<number, number>();
  let total = 0;
  for (let mask = 0; mask < 1 << T; mask++) {
    // bit i set: a new segment starts at ys[i]
    let logp = 0;
    let start = -n; // index into ys; negative = inside the reference
    const all = [...ref, ...ys];
    const segs: number[][] = [];
    for (let i = 0; i < T; i++) {
      if (mask & (1 << i)) {
        segs.push(all.slice(start + n, i + n));
        start = i;
        logp += Math.log(H);
      } else logp += Math.log(1 - H);
    }
    segs.push(all.slice(start + n));
    for (const seg of segs) logp += logMarginal(seg);
    const w = Math.exp(logp);
    const last = segs[segs.length - 1].length;
    post.set(last, (post.get(last) ?? 0) + w);
    total += w;
  }
  for (const [k, v] of post) post.set(k, v / total);
  return post;
}

describe("change-point (bocpd)", () => {
  const bocpd = (params: Record<string, unknown>) => changePoint.create(changePoint.params.parse({ method: "bocpd", ...params }));

  it("matches a naive enumeration of all segmentations on a 4-point case (run lengths, score, band)", () => {
    const ref = [0, 1, 2];
    const ys = [1.5, 8, 8.5, 9];
    const H = 1 / 10;
    for (const changeWindow of [1, 2, 3]) {
      const d = bocpd({ referencePoints: 3, expectedRunLength: 10, changeWindow });
      obs(ref).forEach((o) => expect(d.update(o).skipped).toBe("warmup"));
      ys.forEach((y, i) => {
        const before = d.getState() as ChangePointState;
        const r = d.update({ t: (10 + i) * 1000, values: [y] });
        const naive = naiveRunLengths(ref, ys.slice(0, i + 1), H);
        const prob = (d.getState() as ChangePointState).bocpd!.prob;
        // prob[k] = P(run length k + 1); lengths of the reference run are 3 + (i + 1)
        for (let k = 0; k < prob.length; k++) expect(prob[k]).toBeCloseTo(naive.get(k + 1) ?? 0, 12);
        let recent = 0;
        for (const [len, pr] of naive) if (len <= changeWindow) recent += pr;
        expect(r.score).toBeCloseTo(recent, 12);
        const map = [...naive.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
        expect(r.raw).toBe(map);
        // band: predictive Student-t of the MAP run before this point
        const st = before.bocpd!;
        const kMap = st.prob.indexOf(Math.max(...st.prob));
        const l = kMap + 1;
        const [kappa, alpha] = [1 + l, 1 + l / 2];
        const scale = Math.sqrt((st.beta[kMap] * (kappa + 1)) / (alpha * kappa));
        expect(r.expected).toBeCloseTo(st.mu[kMap], 12);
        expect(r.upper! - r.expected!).toBeCloseTo(studentTQuantileUpper(normalTail(3), 2 * alpha) * scale, 9);
      });
    }
    // The jump to 8 is a change: after 8, 8.5, 9 the MAP segment is those three points.
    const d = bocpd({ referencePoints: 3, expectedRunLength: 10 });
    const out = obs([...ref, ...ys]).map((o) => d.update(o));
    expect(out[6].raw).toBe(3);
    expect(out[6].expected).toBeDefined();
  });

  it("the expected value of the first point is the reference mean, the MAP run the reference", () => {
    const d = bocpd({ referencePoints: 4 });
    obs([0, 2, 0, 2]).forEach((o) => d.update(o));
    const r = d.update({ t: 10_000, values: [1] });
    expect(r.expected).toBeCloseTo(1, 12);
    expect(r.raw).toBe(5);
  });

  it("detects a 3-sigma step within a few points and the MAP run length resets there", () => {
    const rng = createRng(7);
    const vals = Array.from({ length: 600 }, (_, i) => 10 + rng.normal() + (i >= 300 ? 3 : 0));
    const d = bocpd({ referencePoints: 50 });
    const out = obs(vals).map((o) => d.update(o));
    const first = out.findIndex((s, i) => i >= 50 && s.score > 0.5);
    expect(first).toBeGreaterThanOrEqual(300);
    expect(first).toBeLessThanOrEqual(303);
    expect(out[299].raw).toBeGreaterThan(200);
    expect(out[first + 2].raw).toBeLessThanOrEqual(first + 3 - 300);
    expect(out[599].raw).toBe(300); // the new segment, from 300 on
    expect(out[599].expected).toBeGreaterThan(12.5);
    expect(out.slice(320).every((s) => s.score < 0.5)).toBe(true);
  });

  it("keeps the change probability low on a stationary series", () => {
    const rng = createRng(11);
    const d = bocpd({ referencePoints: 50 });
    const out = Array.from({ length: 3000 }, (_, i) => d.update({ t: i * 1000, values: [5 + 2 * rng.normal()] })).slice(50);
    const mean = out.reduce((a, s) => a + s.score, 0) / out.length;
    expect(mean).toBeLessThan(0.03);
    expect(out.filter((s) => s.score >= 0.5).length).toBeLessThan(out.length * 0.002);
    expect(Math.max(...out.map((s) => s.raw))).toBe(500); // ran into the truncation
  });

  it("does not depend on the truncation while no run is longer than maxRunLength", () => {
    const vals = [3, 1, 2, 2.5, 9, 8, 8.5, 2, 1];
    const run = (maxRunLength: number) => {
      const d = bocpd({ referencePoints: 3, expectedRunLength: 5, maxRunLength });
      return obs(vals).map((o) => d.update(o));
    };
    const a = run(9);
    const b = run(1000);
    a.forEach((s, i) => {
      expect(s.score).toBeCloseTo(b[i].score, 13);
      expect(s.raw).toBe(b[i].raw);
    });
    const c = run(4); // truncated: still a distribution
    const d = bocpd({ referencePoints: 3, expectedRunLength: 5, maxRunLength: 4 });
    obs(vals).forEach((o) => d.update(o));
    const prob = ((d.getState() as ChangePointState).bocpd as BocpdState).prob;
    expect(prob.length).toBe(4);
    expect(prob.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(c.every((s) => s.score >= 0 && s.score <= 1)).toBe(true);
  });

  it("stays finite on a constant reference followed by a jump", () => {
    const d = bocpd({ referencePoints: 10 });
    const out = obs([...Array(20).fill(5), 6, 6, 5, 1e9, 5]).map((o) => d.update(o));
    for (const s of out) {
      expect(Number.isFinite(s.score)).toBe(true);
      if (!s.skipped) expect(Number.isFinite(s.upper!)).toBe(true);
    }
    expect(out[20].score).toBeGreaterThan(0.5);
    expect(JSON.stringify(d.getState())).not.toMatch(/null|NaN|Infinity/);
  });

  it("resumes exactly (JSON round trip), also across the truncation", () => {
    for (const params of [{ method: "bocpd", referencePoints: 30 }, { method: "bocpd", referencePoints: 30, maxRunLength: 40 }]) {
      const { all, split } = runSplit(changePoint, params, syntheticSeries(2000, 4), 1001);
      expect(split).toEqual(all);
    }
  });
});
