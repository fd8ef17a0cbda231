/**
 * Sign-in rate limiting, per account and per client address, kept in PostgreSQL so it holds
 * across web processes and restarts.
 */
import { getPrisma } from "@/lib/server/db";

export const LOGIN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  perAccount: 5,
  perAddress: 20,
} as const;

const keys = (email: string, address: string) => [`account:${email}`, `address:${address}`];

/** True when either the account or the address has used up its failed attempts in the window. */
export async function isLoginBlocked(email: string, address: string, now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  const [account, addr] = keys(email, address);
  const rows = await getPrisma().loginAttempt.groupBy({
    by: ["key"],
    where: { key: { in: [account, addr] }, createdAt: { gte: since } },
    _count: { _all: true },
  });
  const count = (k: string) => rows.find((r) => r.key === k)?._count._all ?? 0;
  return count(account) >= LOGIN_LIMITS.perAccount || count(addr) >= LOGIN_LIMITS.perAddress;
}

export async function recordFailedLogin(email: string, address: string): Promise<void> {
  await getPrisma().loginAttempt.createMany({ data: keys(email, address).map((key) => ({ key })) });
}

/** A successful sign-in clears the account's counter (the address keeps its history). */
export async function clearFailedLogins(email: string): Promise<void> {
  const prisma = getPrisma();
  await prisma.loginAttempt.deleteMany({ where: { key: `account:${email}` } });
  await prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - LOGIN_LIMITS.windowMs) } } });
}
