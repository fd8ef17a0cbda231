/** Pages call this first: no session -> sign-in; a role without the permission -> the 403 view. */
import "server-only";
import { redirect } from "next/navigation";
import { can, type Permission } from "@/lib/auth/permissions";
import { currentUser, type AuthedUser } from "@/lib/server/api/with-auth";

export async function requirePage(permission: Permission): Promise<{ user: AuthedUser; allowed: boolean }> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return { user, allowed: can(user.role, permission) };
}
