/**
 * Named queries for sign-in sessions (UserSession rows). A session cookie is only as good as its
 * row: deleting the row ends the session on the next request.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import type { RoleName } from "@/lib/auth/permissions";

export const SESSION_MAX_AGE_S = 12 * 3600;

export async function startSession(userId: string, now = new Date()): Promise<string> {
  const prisma = getPrisma();
  await prisma.userSession.deleteMany({ where: { userId, expiresAt: { lt: now } } });
  const row = await prisma.userSession.create({ data: { userId, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000) }, select: { id: true } });
  return row.id;
}

export interface SessionUser {
  id: string;
  email: string;
  role: RoleName;
}

/** The session's user, re-read (role, disabled) on every request; null once the session ended. */
export async function findSessionUser(sessionId: string, userId: string, now = new Date()): Promise<SessionUser | null> {
  const row = await getPrisma().userSession.findUnique({
    where: { id: sessionId },
    select: { userId: true, expiresAt: true, user: { select: { id: true, email: true, role: true, disabled: true } } },
  });
  if (!row || row.userId !== userId || row.expiresAt <= now || row.user.disabled) return null;
  return { id: row.user.id, email: row.user.email, role: row.user.role };
}

export async function endSession(sessionId: string): Promise<void> {
  await getPrisma().userSession.deleteMany({ where: { id: sessionId } });
}

/** Ends every session of a user; returns how many there were. */
export async function endUserSessions(userId: string, tx: Prisma.TransactionClient = getPrisma()): Promise<number> {
  return (await tx.userSession.deleteMany({ where: { userId } })).count;
}
