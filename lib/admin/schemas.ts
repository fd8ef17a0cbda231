/**
 * Admin lists (isomorphic): the audit log's and the API keys' queries and answers. Both page by
 * keyset (`{ items, nextCursor }`): the audit log on its id, newest first; keys by creation time.
 */
import { z } from "zod";

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "is not an id");

export const AUDIT_ENTITIES = ["source", "detector", "api_key", "api_token", "user"] as const;

export const ZAuditQuery = z.object({
  entity: z.string().trim().min(1).max(64).regex(/^[a-z_]+$/, "is not an entity name").optional(),
  entityId: id.optional(),
  userId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The id of the last row of the previous page. */
  cursor: z.string().regex(/^\d{1,19}$/, "is not a cursor from a previous page").optional(),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export interface AuditItem {
  id: string;
  createdAt: string;
  user: { id: string; email: string } | null;
  action: string;
  entity: string;
  entityId: string | null;
  details: unknown;
}

export const ZApiKeyListQuery = z.object({
  sourceId: id.optional(),
  revoked: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "is not a cursor from a previous page").optional(),
});
export type TApiKeyListQuery = z.infer<typeof ZApiKeyListQuery>;

export interface ApiKeyItem {
  id: string;
  name: string;
  prefix: string;
  source: { id: string; name: string } | null;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keys page on (createdAt, id) descending; the cursor is base64url of both. */
export function encodeKeyCursor(createdAt: Date, keyId: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), keyId]), "utf8").toString("base64url");
}

export function decodeKeyCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [t, keyId] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const createdAt = new Date(String(t));
    return typeof keyId === "string" && Number.isFinite(createdAt.getTime()) ? { createdAt, id: keyId } : null;
  } catch {
    return null;
  }
}

/**
 * An audit row's details as (field, value) pairs for display: an update records the previous values
 * of what it set under `before`; the rest (or `after`) is what was set.
 */
export function auditChanges(details: unknown): { before: [string, string][]; after: [string, string][] } {
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const pairs = (o: unknown): [string, string][] => (o && typeof o === "object" && !Array.isArray(o) ? Object.entries(o).map(([k, v]) => [k, show(v)]) : []);
  if (details && typeof details === "object" && ("before" in details || "after" in details)) {
    const { before, after, ...rest } = details as { before?: unknown; after?: unknown };
    return { before: pairs(before), after: pairs(after ?? rest) };
  }
  return { before: [], after: pairs(details) };
}
