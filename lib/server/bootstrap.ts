/**
 * The first admin: from VIGIL_ADMIN_EMAIL / VIGIL_ADMIN_PASSWORD when both are set and no user
 * exists yet. Otherwise the first-run page creates it. No default password ships.
 */
import { getEnv } from "@/lib/env";
import { getPrisma } from "@/lib/server/db";
import { createUser } from "@/lib/server/queries/users";
import { writeAudit } from "@/lib/server/audit";
import type { TCreateUser } from "@/lib/auth/schemas";

/** Creates the first admin if, and only if, there are no users; safe against concurrent callers. */
export async function createFirstAdmin(input: Omit<TCreateUser, "role">): Promise<{ created: boolean; id?: string }> {
  return getPrisma().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7428001)`;
    if ((await tx.user.count()) > 0) return { created: false };
    const user = await createUser({ ...input, role: "ADMIN" }, tx);
    await writeAudit({ userId: user.id, action: "create", entity: "user", entityId: user.id, details: { role: "ADMIN", firstRun: true } }, tx);
    return { created: true, id: user.id };
  });
}

export async function bootstrapAdminFromEnv(): Promise<boolean> {
  const env = getEnv();
  if (!env.VIGIL_ADMIN_EMAIL || !env.VIGIL_ADMIN_PASSWORD) return false;
  const result = await createFirstAdmin({ email: env.VIGIL_ADMIN_EMAIL.toLowerCase(), password: env.VIGIL_ADMIN_PASSWORD, name: "Administrator" });
  return result.created;
}
