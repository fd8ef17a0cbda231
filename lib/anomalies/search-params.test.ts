import { describe, expect, it } from "vitest";
import { decodeAnomalyCursor, encodeAnomalyCursor, ZAnomalyListQuery } from "@/lib/anomalies/schemas";
import { objectToSearchParams, searchParamsToObject } from "@/lib/anomalies/search-params";

describe("query strings", () => {
  it("keeps every value of a repeated key, and round-trips", () => {
    const params = new URLSearchParams("status=OPEN&status=ACKNOWLEDGED&severity=HIGH");
    const obj = searchParamsToObject(params);
    expect(obj).toEqual({ status: ["OPEN", "ACKNOWLEDGED"], severity: "HIGH" });
    expect(objectToSearchParams(obj).toString()).toBe(params.toString());
    expect(objectToSearchParams({ a: undefined, b: "", c: [] }).toString()).toBe("");
  });

  it("parses one or many values into arrays, and defaults to active incidents", () => {
    const q = ZAnomalyListQuery.parse(searchParamsToObject(new URLSearchParams("status=OPEN&severity=HIGH&severity=LOW")));
    expect(q.status).toEqual(["OPEN"]);
    expect(q.severity).toEqual(["HIGH", "LOW"]);
    expect(q.detection).toEqual(["ACTIVE"]);
    expect(q.sort).toBe("-startTs");
  });

  it("names the field of a bad value", () => {
    const r = ZAnomalyListQuery.safeParse({ status: ["OPEN", "LATER"] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path[0]).toBe("status");
  });
});

describe("anomaly cursors", () => {
  it("round-trip, and reject anything this API did not hand out", () => {
    const c = { sort: "-severity" as const, key: [3, 1_700_000_000_000], id: "abc" };
    expect(decodeAnomalyCursor(encodeAnomalyCursor(c))).toEqual(c);
    for (const bad of ["", "!!", Buffer.from("[1,2]").toString("base64url"), Buffer.from('["-x",[1],"a"]').toString("base64url"), Buffer.from('["startTs",["1"],"a"]').toString("base64url")]) {
      expect(decodeAnomalyCursor(bad), bad).toBeNull();
    }
  });

  it("must belong to the sort it is used with", () => {
    const cursor = encodeAnomalyCursor({ sort: "-peakScore", key: [0.5], id: "a" });
    expect(ZAnomalyListQuery.safeParse({ cursor, sort: "-peakScore" }).success).toBe(true);
    const r = ZAnomalyListQuery.safeParse({ cursor });
    expect(r.error!.issues[0].path).toEqual(["cursor"]);
  });
});
