import { describe, expect, it } from "vitest";
import { DEFAULT_JOB_OPTIONS, JOBS, QUEUE_NAMES, jobIds, parsePayload } from "@/lib/queue/contract";

describe("queue contract", () => {
  it("maps every job to a known queue", () => {
    for (const job of Object.values(JOBS)) expect(QUEUE_NAMES).toContain(job.queue);
  });

  it("parses valid payloads and rejects invalid ones with the field named", () => {
    expect(parsePayload("detect.run", { detectorId: "d1", shard: 3 })).toEqual({ detectorId: "d1", shard: 3 });
    expect(() => parsePayload("detect.run", { detectorId: "d1" })).toThrow(/shard/);
    expect(() => parsePayload("detect.run", { detectorId: "d1", shard: 16 })).toThrow(/shard/);
    expect(() => parsePayload("backfill.run", { detectorId: "d", seriesId: "s", from: "yesterday", to: "2026-01-01T00:00:00Z" })).toThrow(/from/);
  });

  it("builds deterministic job ids so the same work is queued once", () => {
    expect(jobIds.detect("d1", 1)).toBe(jobIds.detect("d1", 1));
    expect(jobIds.detect("d1", 1)).not.toBe(jobIds.detect("d1", 2));
  });

  it("retries with backoff and bounds what it keeps", () => {
    expect(DEFAULT_JOB_OPTIONS.attempts).toBeGreaterThan(1);
    expect(DEFAULT_JOB_OPTIONS.backoff.type).toBe("exponential");
    expect(Object.isFrozen(DEFAULT_JOB_OPTIONS)).toBe(true);
  });
});
