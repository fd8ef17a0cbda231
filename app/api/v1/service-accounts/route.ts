import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { createServiceAccount, listServiceAccounts } from "@/lib/server/queries/service-accounts";
import { ZServiceAccountCreate } from "@/lib/service-accounts/schemas";

/** Every service account with its active token count and last use (admins). */
export const GET = withAuth(async () => NextResponse.json({ items: await listServiceAccounts(), nextCursor: null }), { permission: "users:manage" });

/** A service account acts only through tokens issued at /service-accounts/{id}/tokens; it cannot sign in. */
export const POST = withAuth<typeof ZServiceAccountCreate>(
  async ({ user, body }) => NextResponse.json(await createServiceAccount(body, user.id), { status: 201 }),
  { permission: "users:manage", body: ZServiceAccountCreate },
);
