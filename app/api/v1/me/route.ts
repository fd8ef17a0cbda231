import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ROLE_PERMISSIONS, tokenPermissions } from "@/lib/auth/permissions";

/** Who is calling and what they may do now (a token's answer is narrowed to its scopes). */
export const GET = withAuth(
  async ({ user: { tokenLastUsedAt: _used, ...user } }) =>
    NextResponse.json({ user, permissions: user.scopes ? tokenPermissions(user.role, user.scopes) : ROLE_PERMISSIONS[user.role] }),
  { permission: "overview:read" },
);
