/**
 * Pages call this first: no session -> sign-in; a role without the permission -> the 403 view;
 * the database down -> /unavailable (a 503 to retry from), not an error page.
 */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { can, type Permission } from "@/lib/auth/permissions";
import { currentUser, type AuthedUser } from "@/lib/server/api/with-auth";
import { isDatabaseUnavailable } from "@/lib/server/unavailable";

export async function requirePage(permission: Permission): Promise<{ user: AuthedUser; allowed: boolean }> {
  let user: AuthedUser | null;
  try {
    user = await currentUser();
  } catch (e) {
    if (!isDatabaseUnavailable(e)) throw e;
    const from = (await headers()).get("x-vigil-path") ?? "/";
    redirect(`/unavailable?from=${encodeURIComponent(from)}`);
  }
  if (!user) redirect("/signin");
  return { user, allowed: can(user.role, permission) };
}
