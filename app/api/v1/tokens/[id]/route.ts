import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { revokeToken } from "@/lib/server/queries/api-tokens";

/** Revokes anyone's token (admins; idempotent, audited). */
export const DELETE = withAuth<undefined, undefined, { id: string }>(
  async ({ user, params }) => NextResponse.json(await revokeToken(params.id, user.id)),
  { permission: "users:manage" },
);
