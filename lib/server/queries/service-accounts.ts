/**
 * Named queries for service accounts: User rows with `serviceAccount: true`, no password, never
 * signed in; they act only through their API tokens (UserApiToken, lib/tokens). Every change is
 * audited as entity `service_account` in the same transaction.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { valuesBefore, writeAudit } from "@/lib/server/audit";
import { AppError } from "@/lib/server/api/errors";
import { createToken, listTokens } from "@/lib/server/queries/api-tokens";
import { SERVICE_ACCOUNT_DOMAIN, type ServiceAccount, type TServiceAccountCreate, type TServiceAccountUpdate } from "@/lib/service-accounts/schemas";
import type { CreatedToken, TTokenCreate, TokenItem } from "@/lib/tokens/schemas";

const accountSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabled: true,
  createdAt: true,
  apiTokens: { select: { revokedAt: true, expiresAt: true, lastUsedAt: true } },
} satisfies Prisma.UserSelect;

type AccountRow = Prisma.UserGetPayload<{ select: typeof accountSelect }>;

function toAccount(r: AccountRow, now = new Date()): ServiceAccount {
  const used = r.apiTokens.map((t) => t.lastUsedAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    disabled: r.disabled,
    createdAt: r.createdAt.toISOString(),
    activeTokens: r.apiTokens.filter((t) => !t.revokedAt && (!t.expiresAt || t.expiresAt > now)).length,
    lastUsedAt: used ? new Date(used).toISOString() : null,
  };
}

export async function listServiceAccounts(): Promise<ServiceAccount[]> {
  const rows = await getPrisma().user.findMany({ where: { serviceAccount: true }, select: accountSelect, orderBy: { email: "asc" } });
  return rows.map((r) => toAccount(r));
}

async function findAccount(id: string, tx: Prisma.TransactionClient): Promise<AccountRow> {
  const row = await tx.user.findFirst({ where: { id, serviceAccount: true }, select: accountSelect });
  if (!row) throw new AppError("not_found", `No service account ${id}`);
  return row;
}

/** 409 when the handle is taken. The empty passwordHash matches no password: it cannot sign in. */
export async function createServiceAccount(input: TServiceAccountCreate, actorId: string): Promise<ServiceAccount> {
  const email = `${input.handle}@${SERVICE_ACCOUNT_DOMAIN}`;
  return getPrisma().$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new AppError("conflict", `A service account ${input.handle} already exists`);
    const row = await tx.user.create({ data: { email, name: input.name ?? input.handle, role: input.role, passwordHash: "", serviceAccount: true }, select: accountSelect });
    await writeAudit({ userId: actorId, action: "create", entity: "service_account", entityId: row.id, details: { email, role: input.role } }, tx);
    return toAccount(row);
  });
}

/** Name, role or disabled; a role change or disabling applies to its tokens on their next request. */
export async function updateServiceAccount(id: string, input: TServiceAccountUpdate, actorId: string): Promise<ServiceAccount> {
  return getPrisma().$transaction(async (tx) => {
    const before = await findAccount(id, tx);
    const row = await tx.user.update({ where: { id }, data: input, select: accountSelect });
    await writeAudit({ userId: actorId, action: "update", entity: "service_account", entityId: id, details: { ...input, before: valuesBefore(before, input) } }, tx);
    return toAccount(row);
  });
}

/** A token for the service account (scopes within its role); the admin issuing it is audited. */
export async function issueServiceToken(id: string, input: TTokenCreate, actorId: string): Promise<CreatedToken> {
  const account = await findAccount(id, getPrisma());
  if (account.disabled) throw new AppError("conflict", "This service account is disabled; enable it before issuing tokens");
  return createToken({ id, role: account.role }, input, new Date(), actorId);
}

/** The service account's tokens, newest first (404 for an id that is not a service account). */
export async function listServiceAccountTokens(id: string): Promise<TokenItem[]> {
  await findAccount(id, getPrisma());
  return listTokens(id);
}
