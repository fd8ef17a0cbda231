import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { createToken, listTokens } from "@/lib/server/queries/api-tokens";
import { ZTokenCreate } from "@/lib/tokens/schemas";

/** The signed-in user's own API tokens (never their secrets). */
export const GET = withAuth(async ({ user }) => NextResponse.json({ items: await listTokens(user.id), nextCursor: null }), {
  permission: "overview:read",
  sessionOnly: true,
});

/** The response is the only time the full token is shown. */
export const POST = withAuth<typeof ZTokenCreate>(async ({ user, body }) => NextResponse.json(await createToken(user, body), { status: 201 }), {
  permission: "overview:read",
  body: ZTokenCreate,
  sessionOnly: true,
});
