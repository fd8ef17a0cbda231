import { describe, expect, it } from "vitest";
import { ApiError, fieldErrorOf, hasFieldErrors } from "@/lib/client/api";

describe("fieldErrorOf", () => {
  const error = new ApiError(422, "Invalid body", [
    { path: "config.url", message: "must be a URL" },
    { path: "config.headers.X-A", message: "no line breaks" },
    { path: "name", message: "name required" },
    { path: "names", message: "other field" },
  ]);
  it("joins the messages at a path and below it, not of fields that only share a prefix", () => {
    expect(fieldErrorOf(error, "config")).toBe("must be a URL; no line breaks");
    expect(fieldErrorOf(error, "config.url")).toBe("must be a URL");
    expect(fieldErrorOf(error, "name")).toBe("name required");
    expect(fieldErrorOf(error, "cooldownMinutes")).toBe("");
  });
  it("reads nothing from other errors", () => {
    expect(fieldErrorOf(new Error("boom"), "name")).toBe("");
    expect(fieldErrorOf(null, "name")).toBe("");
    expect(hasFieldErrors(error)).toBe(true);
    expect(hasFieldErrors(new ApiError(500, "x"))).toBe(false);
  });
});
