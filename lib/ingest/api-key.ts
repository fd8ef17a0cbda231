/**
 * Source API keys: `vgl_<prefix>_<secret>`. The prefix (public, unique) finds the row; only the
 * SHA-256 of the secret is stored. The secret is 256 random bits, so a fast hash is enough (nothing
 * to brute-force), and the comparison is constant-time. Personal API tokens (lib/tokens) use the same
 * scheme under their own marker, `vglt_`, so neither kind parses as the other.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** `vgl`: a source's push key; `vglt`: a user's personal API token. */
export type KeyScheme = "vgl" | "vglt";

const KEY_PATTERNS: Record<KeyScheme, RegExp> = {
  vgl: /^vgl_([0-9a-f]{12})_([0-9a-f]{64})$/,
  vglt: /^vglt_([0-9a-f]{12})_([0-9a-f]{64})$/,
};

export interface GeneratedKey {
  key: string;
  prefix: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function generateApiKey(scheme: KeyScheme = "vgl"): GeneratedKey {
  const prefix = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("hex");
  return { key: `${scheme}_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string, scheme: KeyScheme = "vgl"): { prefix: string; secret: string } | null {
  const m = KEY_PATTERNS[scheme].exec(key.trim());
  return m ? { prefix: m[1], secret: m[2] } : null;
}

export function secretMatches(secret: string, secretHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(secretHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <key>`, or null. */
export function bearerToken(header: string | null): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1] : null;
}
