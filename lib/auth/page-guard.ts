/**
 * Pages call this first: no session -> sign-in; a role without the permission -> forbidden(): an
 * HTTP 403 with app/(app)/forbidden.tsx; the database down -> /unavailable (a 503 to retry from).
 */
import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { can, type Permission } from "@/lib/auth/permissions";
import { currentUser, type AuthedUser } from "@/lib/server/api/with-auth";
import { isDatabaseUnavailable } from "@/lib/server/unavailable";

/** `allowed` is always true (a refused role never returns): kept while pages still read it. */
export async function requirePage(permission: Permission): Promise<{ user: AuthedUser; allowed: true }> {
  let user: AuthedUser | null;
  try {
    user = await currentUser();
  } catch (e) {
    if (!isDatabaseUnavailable(e)) throw e;
    const from = (await headers()).get("x-vigil-path") ?? "/";
    redirect(`/unavailable?from=${encodeURIComponent(from)}`);
  }
  if (!user) redirect("/signin");
  if (!can(user.role, permission)) forbidden();
  return { user, allowed: true };
}
