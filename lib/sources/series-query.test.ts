import { describe, expect, it } from "vitest";
import { ZSourceSeriesQuery, decodeSeriesCursor, encodeSeriesCursor } from "@/lib/sources/series-query";

describe("series page cursor", () => {
  it("round-trips any metric and labels key, URL-safe", () => {
    const c = { metric: "cpu.busy µs", labelsKey: '{"host":"a/b+c","path":"\\"q\\""}', id: "clx1" };
    const text = encodeSeriesCursor(c);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSeriesCursor(text)).toEqual(c);
  });

  it("refuses text it did not hand out", () => {
    for (const text of ["", "abc=", "not a cursor", Buffer.from("[1,2,3]").toString("base64url"), Buffer.from('["a","b"]').toString("base64url"), "e30"]) {
      expect(decodeSeriesCursor(text)).toBeNull();
    }
  });
});

describe("ZSourceSeriesQuery", () => {
  it("defaults to 50 rows, no cursor, no filter; a blank filter is none", () => {
    expect(ZSourceSeriesQuery.parse({})).toEqual({ limit: 50, count: false });
    expect(ZSourceSeriesQuery.parse({ q: "   ", cursor: "" })).toEqual({ limit: 50, count: false });
    expect(ZSourceSeriesQuery.parse({ limit: "500", q: " cpu " })).toEqual({ limit: 500, q: "cpu", count: false });
  });

  it("names the parameter that is wrong", () => {
    const paths = (input: Record<string, string>) => ZSourceSeriesQuery.safeParse(input).error?.issues.map((i) => i.path.join("."));
    expect(paths({ limit: "0" })).toEqual(["limit"]);
    expect(paths({ limit: "501" })).toEqual(["limit"]);
    expect(paths({ limit: "x" })).toEqual(["limit"]);
    expect(paths({ cursor: "%%%" })).toEqual(["cursor"]);
  });
});
