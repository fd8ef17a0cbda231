import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";

export const GET = withAuth(async ({ user }) => NextResponse.json({ user, permissions: ROLE_PERMISSIONS[user.role] }), {
  permission: "overview:read",
});
