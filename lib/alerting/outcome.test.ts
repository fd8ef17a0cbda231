import { describe, expect, it } from "vitest";
import { backoffMs, errorRetryable, httpRetryable } from "@/lib/alerting/outcome";

describe("send outcomes", () => {
  it("retries 5xx, 408 and 429, not other 4xx", () => {
    expect([500, 502, 503, 504, 408, 429].every(httpRetryable)).toBe(true);
    expect([400, 401, 403, 404, 410, 422].some(httpRetryable)).toBe(false);
  });

  it("retries timeouts and connection errors, not programming errors", () => {
    expect(errorRetryable(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe(true);
    expect(errorRetryable(new TypeError("fetch failed", { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) }))).toBe(true);
    expect(errorRetryable(Object.assign(new Error("smtp"), { code: "ECONNECTION" }))).toBe(true);
    expect(errorRetryable(new Error("Invalid URL"))).toBe(false);
  });

  it("backs off exponentially, capped", () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30, 1000)).toBe(15 * 60_000);
  });
});
