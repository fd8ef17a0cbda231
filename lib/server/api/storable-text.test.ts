import { describe, expect, it } from "vitest";
import { assertStorable, unstorableFields, unstorableReason } from "@/lib/server/api/storable-text";
import { AppError } from "@/lib/server/api/errors";

describe("unstorableReason", () => {
  it("accepts ordinary text, astral characters and escapes", () => {
    for (const s of ["", "cpu", "héllo", "😀 ok", "\uD83D\uDE00", "a\\u0000b", "tab\tnl\n"]) expect(unstorableReason(s)).toBeNull();
  });
  it("refuses NUL and lone surrogates of either half, anywhere", () => {
    expect(unstorableReason("a\u0000b")).toMatch(/NUL/);
    for (const s of ["\uD800", "x\uD800y", "\uDC00", "x\uDFFFy", "\uDE00\uD83D", "😀\uD83D"]) expect(unstorableReason(s)).toMatch(/surrogate/);
  });
});

describe("unstorableFields / assertStorable", () => {
  it("names the nested field and field names themselves", () => {
    expect(unstorableFields({ name: "ok", config: { headers: [{ v: "a\u0000" }] }, ["k\u0000"]: 1 })).toEqual([
      { path: "config.headers.0.v", message: expect.stringMatching(/NUL/) },
      { path: '"k\\u0000"', message: expect.stringMatching(/^field name/) },
    ]);
  });
  it("throws a 400 AppError with a path under its prefix", () => {
    const thrown = (() => {
      try {
        assertStorable({ name: "\uD800" }, "body");
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect({ code: thrown?.code, message: thrown?.message }).toEqual({ code: "bad_request", message: "body.name: must not contain a lone UTF-16 surrogate" });
    expect(() => assertStorable({ n: 1, s: "fine", a: [null, true] }, "body")).not.toThrow();
  });
});
