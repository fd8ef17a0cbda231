/** Named queries for per-source API keys. The full key exists only in the create response. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { writeAudit } from "@/lib/server/audit";
import { AppError } from "@/lib/server/api/errors";
import { generateApiKey, parseApiKey, secretMatches } from "@/lib/ingest/api-key";
import { decodeKeyCursor, encodeKeyCursor, type ApiKeyItem, type Page, type TApiKeyListQuery } from "@/lib/admin/schemas";

export const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  sourceId: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
} satisfies Prisma.ApiKeySelect;

export async function createSourceKey(sourceId: string, name: string, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const source = await tx.dataSource.findUnique({ where: { id: sourceId }, select: { id: true } });
    if (!source) throw new AppError("not_found", `No data source ${sourceId}`);
    const { key, prefix, secretHash } = generateApiKey();
    const row = await tx.apiKey.create({ data: { name, prefix, secretHash, sourceId, userId }, select: apiKeySelect });
    await writeAudit({ userId, action: "create", entity: "api_key", entityId: row.id, details: { sourceId, name, prefix } }, tx);
    return { ...row, key };
  });
}

export async function listSourceKeys(sourceId: string) {
  const source = await getPrisma().dataSource.findUnique({ where: { id: sourceId }, select: { id: true } });
  if (!source) throw new AppError("not_found", `No data source ${sourceId}`);
  return getPrisma().apiKey.findMany({ where: { sourceId }, select: apiKeySelect, orderBy: { createdAt: "desc" } });
}

/** Idempotent: revoking a revoked key keeps its first revocation time. */
export function revokeSourceKey(sourceId: string, keyId: string, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const row = await tx.apiKey.findFirst({ where: { id: keyId, sourceId }, select: apiKeySelect });
    if (!row) throw new AppError("not_found", `No key ${keyId} on data source ${sourceId}`);
    if (row.revokedAt) return row;
    const revoked = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() }, select: apiKeySelect });
    await writeAudit({ userId, action: "revoke", entity: "api_key", entityId: keyId, details: { sourceId, prefix: row.prefix } }, tx);
    return revoked;
  });
}

/** Every API key, newest first, keyset-paged on (createdAt, id); a bad cursor is a 422. */
export async function listAllKeys(q: TApiKeyListQuery): Promise<Page<ApiKeyItem>> {
  const cursor = q.cursor ? decodeKeyCursor(q.cursor) : null;
  if (q.cursor && !cursor) throw new AppError("unprocessable", "Invalid input: cursor: is not a cursor from a previous page", [{ path: "cursor", message: "is not a cursor from a previous page" }]);
  const rows = await getPrisma().apiKey.findMany({
    where: {
      ...(q.sourceId.length ? { sourceId: { in: q.sourceId } } : {}),
      ...(q.revoked ? { revokedAt: q.revoked === "true" ? { not: null } : null } : {}),
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    select: { ...apiKeySelect, source: { select: { id: true, name: true } }, user: { select: { email: true } } },
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      source: r.source,
      createdBy: r.user?.email ?? null,
      createdAt: r.createdAt.toISOString(),
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
      revokedAt: r.revokedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit && last ? encodeKeyCursor(last.createdAt, last.id) : null,
  };
}

export interface IngestPrincipal {
  keyId: string;
  source: { id: string; kind: string; status: string };
}

/** The key's source if the key is well-formed, known, unrevoked and its secret matches; else null. */
export async function authenticateIngestKey(key: string): Promise<IngestPrincipal | null> {
  const parsed = parseApiKey(key);
  if (!parsed) return null;
  const row = await getPrisma().apiKey.findUnique({
    where: { prefix: parsed.prefix },
    select: { id: true, secretHash: true, revokedAt: true, source: { select: { id: true, kind: true, status: true } } },
  });
  if (!row || row.revokedAt || !row.source || !secretMatches(parsed.secret, row.secretHash)) return null;
  return { keyId: row.id, source: row.source };
}
