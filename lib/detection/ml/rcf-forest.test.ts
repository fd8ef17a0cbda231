import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { RcfForest } from "./rcf-forest";

const CAPACITY = 64;
const TREES = 40;
const POINTS = 20_000;

/** Ages of the sampled points at the end of a stream whose values are their own seq. */
function forestAges(lambda: number): number[] {
  const f = new RcfForest(TREES, CAPACITY, 1, lambda);
  const rng = createRng(3);
  const p = new Float64Array(1);
  for (let i = 0; i < POINTS; i++) {
    p[0] = i;
    f.update(p, rng);
  }
  const ages: number[] = [];
  for (const tree of f.trees) {
    const stack = [tree.root];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (tree.cutDim[v] < 0) ages.push(POINTS - 1 - tree.box[v * 2]);
      else stack.push(tree.kids[2 * v], tree.kids[2 * v + 1]);
    }
  }
  return ages;
}

/** The sampler as defined: every point draws weight -λ·seq + log(-log u), each tree keeps the smallest. */
function referenceAges(lambda: number): number[] {
  const rng = createRng(9);
  const ages: number[] = [];
  for (let t = 0; t < TREES; t++) {
    const weights = Array.from({ length: POINTS }, (_, seq) => ({ seq, w: -lambda * seq + Math.log(-Math.log(rng.next())) }));
    weights.sort((a, b) => a.w - b.w);
    for (const { seq } of weights.slice(0, CAPACITY)) ages.push(POINTS - 1 - seq);
  }
  return ages;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

describe("RcfForest sampler", { timeout: 60_000 }, () => {
  // Skipping ahead to the next acceptance must keep the law of drawing every weight: same sample ages.
  for (const lambda of [1 / 640, 0.01, 0]) {
    it(`keeps the time-decayed reservoir's sample ages (λ = ${lambda.toFixed(4)})`, () => {
      const got = forestAges(lambda);
      const want = referenceAges(lambda);
      expect(got.length).toBe(TREES * CAPACITY);
      expect(mean(got) / mean(want)).toBeGreaterThan(0.93);
      expect(mean(got) / mean(want)).toBeLessThan(1.07);
      expect(quantile(got, 0.9) / quantile(want, 0.9)).toBeGreaterThan(0.9);
      expect(quantile(got, 0.9) / quantile(want, 0.9)).toBeLessThan(1.1);
    });
  }

  it("resumes a state saved before skip-ahead sampling and keeps sampling at the same rate", () => {
    const f = new RcfForest(10, 32, 1, 1 / 320);
    const rng = createRng(4);
    const p = new Float64Array(1);
    for (let i = 0; i < 2000; i++) {
      p[0] = i;
      f.update(p, rng);
    }
    const { next, ...old } = f.toJSON();
    expect(next).toHaveLength(10);
    const resumed = RcfForest.fromJSON(old, 32, 1, 1 / 320);
    for (let i = 2000; i < 6000; i++) {
      p[0] = i;
      resumed.update(p, rng);
    }
    // λ·capacity = 0.1 keeps samples about 10·capacity points old: none can date from before the save.
    const oldest = Math.min(...resumed.trees.map((t) => t.boxOf(t.root)[0]));
    expect(oldest).toBeGreaterThan(2000);
    expect(resumed.trees.every((t) => t.massOf(t.root) === 32)).toBe(true);
  });
});

describe("RcfForest early stopping", { timeout: 60_000 }, () => {
  it("stops averaging for clearly normal points and scores outliers with every tree", () => {
    const f = new RcfForest(50, 128, 2, 1 / 1280);
    const rng = createRng(6);
    const p = new Float64Array(2);
    for (let i = 0; i < 3000; i++) {
      p[0] = rng.normal();
      p[1] = rng.normal();
      f.update(p, rng);
    }
    const typical = f.score(Float64Array.from([0.3, -0.2]));
    expect(f.treesScored).toBe(50);
    const early = f.score(Float64Array.from([0.3, -0.2]), 3 * typical);
    expect(f.treesScored).toBeLessThan(50);
    expect(early).toBeLessThan(3 * typical);
    const far = Float64Array.from([9, 9]);
    const exact = f.score(far);
    expect(f.score(far, 3 * typical)).toBe(exact);
    expect(f.treesScored).toBe(50);
  });
});
