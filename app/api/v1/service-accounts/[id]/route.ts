import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { updateServiceAccount } from "@/lib/server/queries/service-accounts";
import { ZServiceAccountUpdate } from "@/lib/service-accounts/schemas";

/** Rename, change role, disable or enable; disabling stops its tokens on their next request. */
export const PATCH = withAuth<typeof ZServiceAccountUpdate, undefined, { id: string }>(
  async ({ user, body, params }) => NextResponse.json(await updateServiceAccount(params.id, body, user.id)),
  { permission: "users:manage", body: ZServiceAccountUpdate },
);
