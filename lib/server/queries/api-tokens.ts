/**
 * Named queries for personal API tokens (UserApiToken). Hashed and checked exactly like source push
 * keys (lib/ingest/api-key.ts), under the `vglt_` marker; the full token exists only in the create answer.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { writeAudit } from "@/lib/server/audit";
import { AppError } from "@/lib/server/api/errors";
import { generateApiKey, parseApiKey, secretMatches } from "@/lib/ingest/api-key";
import { ROLE_PERMISSIONS, type Permission, type RoleName } from "@/lib/auth/permissions";
import { LAST_USED_RESOLUTION_MS, type CreatedToken, type TTokenCreate, type TokenItem } from "@/lib/tokens/schemas";

const tokenSelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  user: { select: { id: true, email: true, name: true, serviceAccount: true } },
} satisfies Prisma.UserApiTokenSelect;

type TokenRow = Prisma.UserApiTokenGetPayload<{ select: typeof tokenSelect }>;

function toItem(r: TokenRow): TokenItem {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes as Permission[],
    owner: r.user,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/**
 * A token for `owner`, limited to scopes its role has now (422 naming `scopes` otherwise). `actorId`
 * is who is audited: the owner for a personal token, the admin for a service account's.
 */
export async function createToken(owner: { id: string; role: RoleName }, input: TTokenCreate, now = new Date(), actorId = owner.id): Promise<CreatedToken> {
  const allowed = ROLE_PERMISSIONS[owner.role];
  const scopes = input.scopes ? [...new Set(input.scopes)] : [...allowed];
  const beyond = scopes.filter((s) => !allowed.includes(s));
  if (beyond.length) throw new AppError("unprocessable", `Invalid input: scopes: your role does not have ${beyond.join(", ")}`, [{ path: "scopes", message: `your role does not have ${beyond.join(", ")}` }]);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= now) throw new AppError("unprocessable", "Invalid input: expiresAt: must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
  const { key, prefix, secretHash } = generateApiKey("vglt");
  return getPrisma().$transaction(async (tx) => {
    const row = await tx.userApiToken.create({ data: { name: input.name, prefix, secretHash, userId: owner.id, scopes, expiresAt }, select: tokenSelect });
    await writeAudit({ userId: actorId, action: "create", entity: "api_token", entityId: row.id, details: { name: input.name, prefix, scopes, owner: row.user.email, expiresAt: expiresAt?.toISOString() ?? null } }, tx);
    return { ...toItem(row), token: key };
  });
}

/** Newest first: one user's tokens, or (userId omitted) everyone's; at most 500. */
export async function listTokens(userId?: string): Promise<TokenItem[]> {
  const rows = await getPrisma().userApiToken.findMany({ where: userId ? { userId } : {}, select: tokenSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500 });
  return rows.map(toItem);
}

/** Idempotent. `ownerId` limits it to that user's tokens (someone else's is a 404, not a 403). */
export function revokeToken(tokenId: string, actorId: string, ownerId?: string): Promise<TokenItem> {
  return getPrisma().$transaction(async (tx) => {
    const row = await tx.userApiToken.findFirst({ where: { id: tokenId, ...(ownerId ? { userId: ownerId } : {}) }, select: tokenSelect });
    if (!row) throw new AppError("not_found", `No API token ${tokenId}`);
    if (row.revokedAt) return toItem(row);
    const revoked = await tx.userApiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() }, select: tokenSelect });
    await writeAudit({ userId: actorId, action: "revoke", entity: "api_token", entityId: tokenId, details: { prefix: row.prefix, owner: row.user.email } }, tx);
    return toItem(revoked);
  });
}

export interface TokenPrincipal {
  tokenId: string;
  /** As read with the token, for markTokenUsed. */
  lastUsedAt: Date | null;
  user: { id: string; email: string; role: RoleName };
  scopes: string[];
}

/**
 * The token's owner and scopes, or an AppError 401 saying why not: a push key, a malformed, unknown,
 * revoked or expired token, or a disabled owner. The owner's role is read now, not at creation.
 * Writes nothing: lastUsedAt is written by markTokenUsed once the request is allowed.
 */
export async function authenticateToken(raw: string, now = new Date()): Promise<TokenPrincipal> {
  if (parseApiKey(raw)) throw new AppError("unauthorized", "This is a source push key; it is only accepted by POST /api/v1/ingest, not as an API token");
  const parsed = parseApiKey(raw, "vglt");
  if (!parsed) throw new AppError("unauthorized", "Malformed API token (expected vglt_<prefix>_<secret>)");
  const row = await getPrisma().userApiToken.findUnique({
    where: { prefix: parsed.prefix },
    select: { id: true, secretHash: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, role: true, disabled: true, serviceAccount: true } } },
  });
  if (!row || !secretMatches(parsed.secret, row.secretHash)) throw new AppError("unauthorized", "Unknown API token");
  if (row.revokedAt) throw new AppError("unauthorized", `API token ${parsed.prefix} was revoked`);
  if (row.expiresAt && row.expiresAt <= now) throw new AppError("unauthorized", `API token ${parsed.prefix} expired at ${row.expiresAt.toISOString()}`);
  if (row.user.disabled) throw new AppError("unauthorized", row.user.serviceAccount ? "This API token's service account is disabled" : "The owner of this API token is disabled");
  return { tokenId: row.id, lastUsedAt: row.lastUsedAt, user: { id: row.user.id, email: row.user.email, role: row.user.role }, scopes: row.scopes };
}

/** Records a use of a token whose request was allowed; at most once per LAST_USED_RESOLUTION_MS. */
export async function markTokenUsed(tokenId: string, lastUsedAt: Date | null, now = new Date()): Promise<void> {
  if (lastUsedAt && now.getTime() - lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  await getPrisma().userApiToken.update({ where: { id: tokenId }, data: { lastUsedAt: now }, select: { id: true } });
}
