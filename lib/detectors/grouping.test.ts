import { describe, expect, it } from "vitest";
import { groupingSchema, groupKeyOf, formGroups } from "@/lib/detectors/grouping";

describe("groupingSchema", () => {
  it("takes label grouping with member metrics, or an explicit list, with defaults", () => {
    expect(groupingSchema.parse({ by: ["host"], metrics: ["cpu", "mem"], stepSeconds: 60 })).toEqual({ by: ["host"], metrics: ["cpu", "mem"], stepSeconds: 60, aggregate: "last", missing: "impute" });
    expect(groupingSchema.parse({ seriesIds: ["a", "b"], stepSeconds: 10, aggregate: "mean", missing: "skip" }).seriesIds).toEqual(["a", "b"]);
  });

  it("names the field that is wrong", () => {
    const paths = (x: unknown) => groupingSchema.safeParse(x).error?.issues.map((i) => i.path.join("."));
    expect(paths({ stepSeconds: 60 })).toEqual(["by"]);
    expect(paths({ by: ["host"], stepSeconds: 60 })).toEqual(["metrics"]);
    expect(paths({ seriesIds: ["a", "a"], stepSeconds: 60 })).toEqual(["seriesIds"]);
    expect(paths({ seriesIds: ["a", "b"], stepSeconds: 0 })).toEqual(["stepSeconds"]);
  });
});

describe("groupKeyOf", () => {
  it("is the sorted grouping labels' values, or null when one is missing", () => {
    expect(groupKeyOf(["host", "dc"], { host: "a", dc: "x", other: "y" })).toBe('{"dc":"x","host":"a"}');
    expect(groupKeyOf(["host"], { dc: "x" })).toBeNull();
  });
});

describe("formGroups", () => {
  const s = (id: string, metric: string, host?: string) => ({ id, metric, labels: host ? { host } : {} });
  it("forms one complete group per label value, members in metric order, the first series by id per metric", () => {
    const series = [s("4", "mem", "a"), s("1", "cpu", "a"), s("3", "cpu", "a"), s("2", "cpu", "b"), s("5", "mem"), s("6", "disk", "a")];
    expect(formGroups({ by: ["host"], metrics: ["cpu", "mem"] }, series)).toEqual([{ key: '{"host":"a"}', members: ["1", "4"] }]);
    expect(formGroups({ seriesIds: ["5", "2"] }, series)).toEqual([{ key: "list", members: ["5", "2"] }]);
    expect(formGroups({ seriesIds: ["5"] }, series)).toEqual([]);
  });
});
