import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { SortedWindow } from "./sorted-window";

describe("SortedWindow searches", () => {
  it("rank and countAbove equal brute force at every size, for values in, between, below and above the window", () => {
    const rng = createRng(21);
    for (const size of [1, 2, 3, 4, 7, 8, 9, 33, 100]) {
      const w = new SortedWindow(size);
      const xs: number[] = [];
      for (let i = 0; i < 300; i++) {
        // Ties are frequent (a few integers), as with the calibrator's rounded decades.
        const x = rng.next() < 0.4 ? Math.round(rng.next() * 5) : rng.normal() * 3;
        xs.push(x);
        w.push(x);
        const win = xs.slice(-size);
        expect(Array.from({ length: w.size }, (_, k) => w.at(k))).toEqual([...win].sort((a, b) => a - b));
        for (const probe of [x, win[0], -100, 100, 0, 1, 2.5, rng.normal() * 3, NaN]) {
          expect(w.rank(probe)).toBe(win.filter((v) => v < probe).length / win.length);
          expect(w.countAbove(probe)).toBe(probe !== probe ? win.length : win.filter((v) => v > probe).length);
        }
      }
    }
    const empty = new SortedWindow(5);
    expect(empty.rank(1)).toBe(0);
    expect(empty.countAbove(1)).toBe(0);
  });
});
