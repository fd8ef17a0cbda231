import { describe, expect, it } from "vitest";
import { alignSteps } from "@/lib/pipeline/align";

const p = (t: number, value: number) => ({ t: t * 1000, value });

describe("alignSteps", () => {
  it("aggregates each member's points per step: last, mean, min, max", () => {
    const points = [[p(0, 1), p(30, 3), p(60, 5)], [p(10, 10), p(20, 20), p(70, 7)]];
    const at = (aggregate: "last" | "mean" | "min" | "max") => alignSteps(points, [null, null], { stepSeconds: 60, aggregate, missing: "impute" });
    expect(at("last")).toEqual([{ t: 0, values: [3, 20] }, { t: 60_000, values: [5, 7] }]);
    expect(at("mean")).toEqual([{ t: 0, values: [2, 15] }, { t: 60_000, values: [5, 7] }]);
    expect(at("min")).toEqual([{ t: 0, values: [1, 10] }, { t: 60_000, values: [5, 7] }]);
    expect(at("max")).toEqual([{ t: 0, values: [3, 20] }, { t: 60_000, values: [5, 7] }]);
  });

  it("imputes a missing member with its previous value, or skips the step", () => {
    const points = [[p(0, 1), p(60, 2), p(120, 3)], [p(0, 10), p(120, 30)]];
    expect(alignSteps(points, [null, null], { stepSeconds: 60, aggregate: "last", missing: "impute" }).map((s) => s.values)).toEqual([[1, 10], [2, 10], [3, 30]]);
    expect(alignSteps(points, [null, null], { stepSeconds: 60, aggregate: "last", missing: "skip" }).map((s) => s.t)).toEqual([0, 120_000]);
  });

  it("imputes from the value before the page, and skips when there is nothing to impute", () => {
    const points = [[p(60, 2)], []];
    expect(alignSteps(points, [null, 9], { stepSeconds: 60, aggregate: "last", missing: "impute" })).toEqual([{ t: 60_000, values: [2, 9] }]);
    expect(alignSteps(points, [null, null], { stepSeconds: 60, aggregate: "last", missing: "impute" })).toEqual([]);
  });
});
