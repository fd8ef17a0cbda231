import { describe, expect, it } from "vitest";
import { isScrapeAllowed } from "@/lib/metrics/scrape-auth";

describe("scrape authorization", () => {
  it("is open without a token", () => {
    expect(isScrapeAllowed(null, undefined)).toBe(true);
  });

  it("wants the exact bearer token when one is set", () => {
    const token = "a-long-metrics-token";
    expect(isScrapeAllowed(`Bearer ${token}`, token)).toBe(true);
    expect(isScrapeAllowed(`bearer ${token}`, token)).toBe(true);
    expect(isScrapeAllowed(null, token)).toBe(false);
    expect(isScrapeAllowed(`Bearer ${token}x`, token)).toBe(false);
    expect(isScrapeAllowed(`Basic ${token}`, token)).toBe(false);
    expect(isScrapeAllowed("Bearer ", token)).toBe(false);
  });
});
