import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { revokeToken } from "@/lib/server/queries/api-tokens";

/** Revokes one of the caller's own tokens (idempotent; another user's token is a 404). */
export const DELETE = withAuth<undefined, undefined, { id: string }>(
  async ({ user, params }) => NextResponse.json(await revokeToken(params.id, user.id, user.id)),
  { permission: "overview:read", sessionOnly: true },
);
