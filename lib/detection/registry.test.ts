import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { runSplit, syntheticSeries } from "./common/testing";
import { createDetector, defaultDetectorConfig, detectorDefinitions, getDefinition } from "./registry";

describe("registry", () => {
  it("registers every kind under its own name, with a documented params form", () => {
    for (const [kind, def] of Object.entries(detectorDefinitions)) {
      expect(def.kind).toBe(kind);
      expect(def.label.length).toBeGreaterThan(0);
      // Defaults must make an empty form valid, except where a limit is the point (threshold has none set).
      expect(() => def.params.parse({})).not.toThrow();
    }
    expect(Object.keys(detectorDefinitions)).toEqual(
      expect.arrayContaining(["threshold", "zscore", "robust-zscore", "ewma", "seasonal", "change-point", "ensemble"]),
    );
  });

  it("throws the ZodError for bad params and a named error for unknown kinds", () => {
    expect(() => createDetector("zscore", { window: "ten" })).toThrow(ZodError);
    expect(() => getDefinition("nope")).toThrow(/Unknown detector kind "nope"/);
    expect(() => getDefinition("toString")).toThrow(/Unknown/);
  });

  it("the default config parses, flags a planted spike, and resumes exactly", () => {
    const cfg = defaultDetectorConfig();
    const def = getDefinition(cfg.kind);
    const obs = syntheticSeries(4000, 12);
    const { all, split } = runSplit(def, cfg.params, obs, 2222);
    expect(split).toEqual(all);
    // syntheticSeries plants +8 (about 25 sigma) at i % 997 == 500; 1497 and 2494 are past warm-up.
    const clean = (t: number) => 10 + 3 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000);
    const planted = obs.filter((o, i) => i > 1500 && Math.abs(o.values[0] - clean(o.t)) > 4).map((o) => o.t);
    const flagged = all.filter((s) => s.score >= cfg.threshold).map((s) => s.t);
    expect(planted).toHaveLength(3);
    for (const t of planted) expect(flagged).toContain(t);
    expect(flagged.length).toBeLessThan(10);
  });
});
