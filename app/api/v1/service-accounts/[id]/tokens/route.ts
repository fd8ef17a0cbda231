import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { issueServiceToken, listServiceAccountTokens } from "@/lib/server/queries/service-accounts";
import { ZServiceTokenCreate } from "@/lib/service-accounts/schemas";

/** The service account's tokens, never their secrets (revoke with DELETE /api/v1/tokens/{id}). */
export const GET = withAuth<undefined, undefined, { id: string }>(async ({ params }) => NextResponse.json({ items: await listServiceAccountTokens(params.id), nextCursor: null }), {
  permission: "users:manage",
});

/** Issued by an admin session only, so a token cannot mint another; the answer shows the secret once. */
export const POST = withAuth<typeof ZServiceTokenCreate, undefined, { id: string }>(
  async ({ user, body, params }) => NextResponse.json(await issueServiceToken(params.id, body, user.id), { status: 201 }),
  { permission: "users:manage", body: ZServiceTokenCreate, sessionOnly: true },
);
