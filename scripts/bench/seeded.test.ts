import { describe, expect, it } from "vitest";
import { resolveDetector } from "./detectors";
import { parseSeeds, withSeed } from "./seeded";

describe("bench:detect seeds", () => {
  it("reads ranges and lists", () => {
    expect(parseSeeds("1-5")).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds("1,2,7")).toEqual([1, 2, 7]);
    expect(parseSeeds("3-4,9")).toEqual([3, 4, 9]);
    expect(parseSeeds("")).toEqual([]);
  });

  it("changes only the seed of a detector's parameters", () => {
    const base = resolveDetector('gaussian-mixture{"maxComponents":3}');
    const seeded = withSeed(base, 7, resolveDetector);
    expect(seeded.kind).toBe("gaussian-mixture");
    expect(seeded.params).toEqual({ ...(base.params as Record<string, unknown>), seed: 7 });
    expect((base.params as { seed: number }).seed).toBe(42);
  });
});
