/**
 * next-auth configuration: e-mail + password, JWT sessions carrying the user's id and role.
 * The role is re-read from the database on every session check so a demotion or a disabled
 * account takes effect at once.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { ZCredentials } from "@/lib/auth/schemas";
import { verifyPassword } from "@/lib/auth/password";
import type { RoleName } from "@/lib/auth/permissions";
import { findUserByEmail, recordLogin } from "@/lib/server/queries/users";
import { clearFailedLogins, isLoginBlocked, recordFailedLogin } from "@/lib/server/queries/login-attempts";
import { getAuthSecret } from "@/lib/server/secrets";
import { getPrisma } from "@/lib/server/db";

export const RATE_LIMITED = "RateLimited";

function clientAddress(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  const real = headers?.["x-real-ip"];
  return first || (typeof real === "string" ? real : "") || "unknown";
}

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: 12 * 3600 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = ZCredentials.safeParse(credentials);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const address = clientAddress(req?.headers as Record<string, unknown> | undefined);
          if (await isLoginBlocked(email, address)) throw new Error(RATE_LIMITED);
          const user = await findUserByEmail(email);
          const ok = user && !user.disabled && (await verifyPassword(user.passwordHash, password));
          if (!ok || !user) {
            await recordFailedLogin(email, address);
            return null;
          }
          await clearFailedLogins(email);
          await recordLogin(user.id);
          return { id: user.id, email: user.email, name: user.name ?? user.email, role: user.role };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.role = (user as unknown as { role: RoleName }).role;
          return token;
        }
        if (!token.sub) return token;
        const current = await getPrisma().user.findUnique({ where: { id: token.sub }, select: { role: true, disabled: true } });
        if (!current || current.disabled) return { ...token, role: undefined, disabled: true };
        return { ...token, role: current.role };
      },
      async session({ session, token }) {
        session.user = { ...session.user, id: token.sub ?? "", role: token.role as RoleName | undefined };
        return session;
      },
    },
  };
}
