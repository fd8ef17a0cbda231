import { describe, expect, it } from "vitest";
import { bearerToken, generateApiKey, parseApiKey, secretMatches } from "@/lib/ingest/api-key";

describe("api keys", () => {
  it("round-trips: the generated key parses and its secret matches the stored hash", () => {
    const g = generateApiKey();
    expect(g.key).toMatch(/^vgl_[0-9a-f]{12}_[0-9a-f]{64}$/);
    const parsed = parseApiKey(g.key)!;
    expect(parsed.prefix).toBe(g.prefix);
    expect(g.secretHash).not.toContain(parsed.secret);
    expect(secretMatches(parsed.secret, g.secretHash)).toBe(true);
    expect(secretMatches(parsed.secret.replace(/.$/, (c) => (c === "0" ? "1" : "0")), g.secretHash)).toBe(false);
  });

  it("never repeats and refuses malformed keys", () => {
    expect(generateApiKey().key).not.toBe(generateApiKey().key);
    expect(parseApiKey("vgl_abc_def")).toBeNull();
    expect(parseApiKey("")).toBeNull();
    expect(secretMatches("x", "not-hex")).toBe(false);
  });

  it("reads bearer tokens only", () => {
    expect(bearerToken("Bearer vgl_x")).toBe("vgl_x");
    expect(bearerToken("bearer  vgl_x ")).toBe("vgl_x");
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});

describe("personal token scheme", () => {
  it("round-trips under vglt_ and never parses as the other kind", () => {
    const token = generateApiKey("vglt");
    expect(token.key.startsWith(`vglt_${token.prefix}_`)).toBe(true);
    expect(secretMatches(parseApiKey(token.key, "vglt")!.secret, token.secretHash)).toBe(true);
    expect(parseApiKey(token.key)).toBeNull();
    expect(parseApiKey(generateApiKey().key, "vglt")).toBeNull();
  });
});
