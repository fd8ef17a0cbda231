/**
 * Admin lists (isomorphic): the audit log's and the API keys' queries and answers. Both page by
 * keyset (`{ items, nextCursor }`): the audit log on its id, newest first; keys by creation time.
 */
import { z } from "zod";
import { many } from "@/lib/anomalies/search-params";

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "is not an id");

export const AUDIT_ENTITIES = ["source", "detector", "channel", "alert-rule", "silence", "api_key", "api_token", "service_account", "user"] as const;

export const ZAuditQuery = z.object({
  /** Repeatable: `?entity=source&entity=detector` is either. */
  entity: many(z.string().trim().min(1).max(64).regex(/^[a-z][a-z_-]*$/, "is not an entity name")),
  entityId: id.optional(),
  /** Repeatable: any of these users. */
  userId: many(id),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The id of the last row of the previous page. */
  cursor: z.string().regex(/^\d{1,19}$/, "is not a cursor from a previous page").optional(),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export const ZAuditItem = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  user: z.object({ id: z.string(), email: z.string() }).nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  details: z.unknown(),
});
export type AuditItem = z.infer<typeof ZAuditItem>;

export const ZApiKeyListQuery = z.object({
  /** Repeatable: keys of any of these sources. */
  sourceId: many(id),
  revoked: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "is not a cursor from a previous page").optional(),
});
export type TApiKeyListQuery = z.infer<typeof ZApiKeyListQuery>;

export const ZApiKeyItem = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  source: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKeyItem = z.infer<typeof ZApiKeyItem>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const ZAuditPage = z.object({ items: z.array(ZAuditItem), nextCursor: z.string().nullable() });
export const ZApiKeyPage = z.object({ items: z.array(ZApiKeyItem), nextCursor: z.string().nullable() });

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
