/** Named queries for user accounts. */
import type { Prisma, Role } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { hashPassword } from "@/lib/auth/password";
import type { TCreateUser, TUpdateUser } from "@/lib/auth/schemas";
import { endUserSessions } from "@/lib/server/queries/sessions";

export const publicUserSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabled: true,
  lastLoginAt: true,
  createdAt: true,
} satisfies Prisma.UserSelect;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUserSelect }>;

export function countUsers(): Promise<number> {
  return getPrisma().user.count();
}

export function findUserByEmail(email: string) {
  return getPrisma().user.findUnique({ where: { email } });
}

/** People; service accounts are listed by lib/server/queries/service-accounts.ts. */
export function listUsers(): Promise<PublicUser[]> {
  return getPrisma().user.findMany({ where: { serviceAccount: false }, select: publicUserSelect, orderBy: { email: "asc" } });
}

export async function createUser(input: TCreateUser, tx: Prisma.TransactionClient = getPrisma()): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  return tx.user.create({
    data: { email: input.email, name: input.name, role: input.role as Role, passwordHash },
    select: publicUserSelect,
  });
}

/** A new password, a new role or disabling ends the user's sessions (they sign in again). */
export async function updateUser(id: string, input: TUpdateUser, tx: Prisma.TransactionClient = getPrisma()) {
  const { password, ...rest } = input;
  const before = await tx.user.findUnique({ where: { id }, select: { role: true, disabled: true } });
  // A service account is changed through its own route: it must never get a password here.
  const updated = await tx.user.update({
    where: { id, serviceAccount: false },
    data: { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) },
    select: publicUserSelect,
  });
  if (password || (before && (before.role !== updated.role || (!before.disabled && updated.disabled)))) await endUserSessions(id, tx);
  return updated;
}

export function countActiveAdmins(tx: Prisma.TransactionClient = getPrisma()): Promise<number> {
  return tx.user.count({ where: { role: "ADMIN", disabled: false, serviceAccount: false } });
}

export function recordLogin(id: string) {
  return getPrisma().user.update({ where: { id }, data: { lastLoginAt: new Date() } });
}
