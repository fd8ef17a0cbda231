import { describe, expect, it } from "vitest";
import { needsTraining } from "./train-run";

describe("needsTraining", () => {
  it("follows the algorithm, and an ensemble's members at any depth", () => {
    expect(needsTraining("isolation-forest")).toBe(true);
    expect(needsTraining("zscore")).toBe(false);
    expect(needsTraining("no-such-kind")).toBe(false);
    expect(needsTraining("ensemble", { members: [{ kind: "zscore", params: {} }] })).toBe(false);
    expect(needsTraining("ensemble", { members: [{ kind: "zscore" }, { kind: "lof", params: {} }] })).toBe(true);
    expect(needsTraining("ensemble", { members: [{ kind: "ensemble", params: { members: [{ kind: "kmeans" }] } }] })).toBe(true);
  });
});
