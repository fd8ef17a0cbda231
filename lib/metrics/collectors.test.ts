import { beforeEach, describe, expect, it } from "vitest";
import { DETECTION_LAG_TTL_MS, cachedDetectionLag, forgetDetectionLag } from "@/lib/metrics/collectors";

describe("detection lag reading", () => {
  beforeEach(forgetDetectionLag);

  it("is shared by scrapes for its TTL, then read again", async () => {
    let reads = 0;
    const read = async () => [{ detector: "d", seconds: ++reads }];
    expect(await cachedDetectionLag(read, 1_000)).toEqual([{ detector: "d", seconds: 1 }]);
    expect(await cachedDetectionLag(read, 1_000 + DETECTION_LAG_TTL_MS - 1)).toEqual([{ detector: "d", seconds: 1 }]);
    expect(await cachedDetectionLag(read, 1_000 + DETECTION_LAG_TTL_MS)).toEqual([{ detector: "d", seconds: 2 }]);
    expect(reads).toBe(2);
  });

  it("keeps no failure: the next scrape reads again", async () => {
    await expect(cachedDetectionLag(async () => Promise.reject(new Error("timeout")), 0)).rejects.toThrow("timeout");
    await Promise.resolve();
    expect(await cachedDetectionLag(async () => [], 1)).toEqual([]);
  });
});
