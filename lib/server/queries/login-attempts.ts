/**
 * Sign-in rate limiting, kept in PostgreSQL so it holds across web processes and restarts.
 * - per (account, address): a few failures block that address for that account only, so an
 *   attacker cannot lock the owner out from elsewhere;
 * - per address: many failures over any accounts block the address;
 * - per account: failures from everywhere slow every attempt on the account down (a delay that
 *   doubles, capped), which bounds guessing from many addresses without locking anyone out.
 */
import { getPrisma } from "@/lib/server/db";

export const LOGIN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  perAccountAndAddress: 5,
  perAddress: 20,
  /** Failures on an account (from any address) after which each attempt waits. */
  slowAfter: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
} as const;

const keys = (email: string, address: string) => ({ pair: `pair:${email}|${address}`, address: `address:${address}`, account: `account:${email}` });

export interface LoginCheck {
  blocked: boolean;
  /** How long to wait before checking the password. */
  delayMs: number;
}

/** The slow-down for an account with `failures` recent failures. */
export function accountDelayMs(failures: number): number {
  if (failures < LOGIN_LIMITS.slowAfter) return 0;
  return Math.min(LOGIN_LIMITS.maxDelayMs, LOGIN_LIMITS.baseDelayMs * 2 ** (failures - LOGIN_LIMITS.slowAfter));
}

export async function checkLogin(email: string, address: string, now = new Date()): Promise<LoginCheck> {
  const since = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  const k = keys(email, address);
  const rows = await getPrisma().loginAttempt.groupBy({
    by: ["key"],
    where: { key: { in: [k.pair, k.address, k.account] }, createdAt: { gte: since } },
    _count: { _all: true },
  });
  const count = (key: string) => rows.find((r) => r.key === key)?._count._all ?? 0;
  const blocked = count(k.pair) >= LOGIN_LIMITS.perAccountAndAddress || count(k.address) >= LOGIN_LIMITS.perAddress;
  return { blocked, delayMs: accountDelayMs(count(k.account)) };
}

export async function isLoginBlocked(email: string, address: string, now = new Date()): Promise<boolean> {
  return (await checkLogin(email, address, now)).blocked;
}

export async function recordFailedLogin(email: string, address: string): Promise<void> {
  const k = keys(email, address);
  await getPrisma().loginAttempt.createMany({ data: [k.pair, k.address, k.account].map((key) => ({ key })) });
}

/** A successful sign-in clears the account's counters (the address keeps its history). */
export async function clearFailedLogins(email: string): Promise<void> {
  const prisma = getPrisma();
  await prisma.loginAttempt.deleteMany({ where: { OR: [{ key: `account:${email}` }, { key: { startsWith: `pair:${email}|` } }] } });
  await prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - LOGIN_LIMITS.windowMs) } } });
}
