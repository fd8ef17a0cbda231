/**
 * next-auth configuration: e-mail + password, JWT sessions that name a UserSession row. The row
 * and the user's role are re-read on every request (currentUser in lib/server/api/with-auth.ts),
 * so sign-out, a new password, a role change or disabling ends sessions at once.
 * Sign-in limits (lib/server/queries/login-attempts.ts) count per (account, address), per address,
 * and slow an account down; the address is the socket's unless a trusted proxy says otherwise.
 * Errors reach the sign-in page as a code in its URL: never an internal message.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { setTimeout as sleep } from "node:timers/promises";
import { ZCredentials } from "@/lib/auth/schemas";
import { verifyPassword } from "@/lib/auth/password";
import type { RoleName } from "@/lib/auth/permissions";
import { clientAddress, trustedProxyList } from "@/lib/auth/client-address";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { isTransientDatabaseError } from "@/lib/server/api/errors";
import { findUserByEmail, recordLogin } from "@/lib/server/queries/users";
import { checkLogin, clearFailedLogins, recordFailedLogin } from "@/lib/server/queries/login-attempts";
import { endSession, SESSION_MAX_AGE_S, startSession } from "@/lib/server/queries/sessions";
import { getAuthSecret } from "@/lib/server/secrets";

export const RATE_LIMITED = "RateLimited";
export const DATABASE_UNAVAILABLE = "DatabaseUnavailable";
export const SIGN_IN_FAILED = "SignInFailed";

/** Waits before checking a password on a slowed-down account; tests replace it. */
export const loginPacing = { wait: (ms: number) => sleep(ms) };

/** The sign-in page's error code for a failure: a rate limit, a database outage, or generic. */
function signInError(e: unknown): Error {
  if (e instanceof Error && e.message === RATE_LIMITED) return e;
  if (isTransientDatabaseError(e)) {
    logger.warn({ err: e }, "sign-in: database unavailable");
    return new Error(DATABASE_UNAVAILABLE);
  }
  logger.error({ err: e }, "sign-in failed unexpectedly");
  return new Error(SIGN_IN_FAILED);
}

export async function authorizeCredentials(credentials: unknown, headers: Record<string, unknown> | undefined) {
  const parsed = ZCredentials.safeParse(credentials);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  try {
    const address = clientAddress(headers, trustedProxyList(getEnv().VIGIL_TRUSTED_PROXIES));
    const limits = await checkLogin(email, address);
    if (limits.blocked) throw new Error(RATE_LIMITED);
    if (limits.delayMs > 0) await loginPacing.wait(limits.delayMs);
    const user = await findUserByEmail(email);
    // A service account has no password and acts only through its API tokens.
    const ok = user && !user.disabled && !user.serviceAccount && (await verifyPassword(user.passwordHash, password));
    if (!ok || !user) {
      await recordFailedLogin(email, address);
      return null;
    }
    await clearFailedLogins(email);
    await recordLogin(user.id);
    return { id: user.id, email: user.email, name: user.name ?? user.email, role: user.role };
  } catch (e) {
    throw signInError(e);
  }
}

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, req) => authorizeCredentials(credentials, req?.headers as Record<string, unknown> | undefined),
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (!user) return token;
        try {
          token.sid = await startSession(user.id);
        } catch (e) {
          throw signInError(e);
        }
        token.sub = user.id;
        token.role = (user as unknown as { role: RoleName }).role;
        return token;
      },
      async session({ session, token }) {
        session.user = { ...session.user, id: token.sub ?? "", role: token.role, sid: token.sid };
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sid) await endSession(token.sid).catch((err) => logger.warn({ err }, "sign-out: could not end the session row"));
      },
    },
  };
}
