import { describe, expect, it } from "vitest";
import { ZAuditQuery, auditChanges, decodeKeyCursor, encodeKeyCursor } from "./schemas";

describe("auditChanges", () => {
  it("splits before/after details and shows plain details as what was set", () => {
    expect(auditChanges({ before: { threshold: 0.5 }, after: { threshold: 0.7, name: "cpu" } })).toEqual({ before: [["threshold", "0.5"]], after: [["threshold", "0.7"], ["name", "cpu"]] });
    expect(auditChanges({ threshold: 0.7, effect: "redetect", before: { threshold: 0.5 } })).toEqual({ before: [["threshold", "0.5"]], after: [["threshold", "0.7"], ["effect", "redetect"]] });
    expect(auditChanges({ sourceId: "s1", config: { url: "http://x" } })).toEqual({ before: [], after: [["sourceId", "s1"], ["config", '{"url":"http://x"}']] });
    expect(auditChanges(null)).toEqual({ before: [], after: [] });
  });
});

describe("cursors", () => {
  it("round-trips a key cursor and refuses anything else", () => {
    const t = new Date("2026-01-01T00:00:00.123Z");
    expect(decodeKeyCursor(encodeKeyCursor(t, "k1"))).toEqual({ createdAt: t, id: "k1" });
    expect(decodeKeyCursor("not-a-cursor")).toBeNull();
    expect(decodeKeyCursor(Buffer.from('["soon", 3]').toString("base64url"))).toBeNull();
  });

  it("takes an audit cursor only as a row id", () => {
    expect(ZAuditQuery.parse({ cursor: "42" })).toMatchObject({ cursor: "42", limit: 50 });
    expect(ZAuditQuery.safeParse({ cursor: "4x" }).success).toBe(false);
    expect(ZAuditQuery.safeParse({ entity: "Source; drop" }).success).toBe(false);
  });
});
