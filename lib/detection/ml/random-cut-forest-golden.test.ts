/**
 * Pins the forest's output bit for bit on a fixed seed: a speedup that claims to change nothing must
 * keep these digests. Change them only with a change that is meant to alter scores or state.
 */
import { describe, expect, it } from "vitest";
import { randomCutForest } from "./random-cut-forest";
import { sineSeries } from "./testing/synthetic";

/** FNV-1a over the IEEE-754 bits of the numbers, so any change in any bit shows. */
function digest(values: number[]): string {
  const bits = new Uint32Array(Float64Array.from(values).buffer);
  let h = 0x811c9dc5;
  for (const word of bits) {
    h ^= word;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function run(params: Record<string, unknown>, n: number) {
  const det = randomCutForest.create(randomCutForest.params.parse(params));
  // Spikes, a level shift and repeated values: inserts, duplicates, deletes and far cuts all happen.
  const obs = sineSeries(n, 9).map((v, i) => ({
    t: i,
    values: [(i % 211 === 0 ? 3 : 0) + (i > n / 2 ? 1.5 : 0) + (i % 50 < 5 ? 0.25 : Math.round(v * 64) / 64)],
  }));
  const raws = obs.map((o) => det.update(o).raw ?? -1);
  return { raws: digest(raws), state: digest([...JSON.stringify(det.getState())].map((c) => c.charCodeAt(0))) };
}

describe("randomCutForest output", { timeout: 60_000 }, () => {
  it("is unchanged on a fixed seed (50 trees, every tree averaged)", () => {
    expect(run({ trees: 50, stopBelow: 0 }, 3000)).toEqual({ raws: "85adcfc8", state: "8ec5fe4d" });
  });

  it("is unchanged on a fixed seed (defaults: early stop of the average)", () => {
    expect(run({}, 3000)).toEqual({ raws: "c4fe91ae", state: "19916905" });
  });

  it("is unchanged on a fixed seed (small trees, long run, shingles of 3)", () => {
    expect(run({ trees: 7, treeSize: 32, shingleSize: 3, seed: 17 }, 6000)).toEqual({ raws: "5ebfdc3a", state: "0643d9f5" });
  });
});
