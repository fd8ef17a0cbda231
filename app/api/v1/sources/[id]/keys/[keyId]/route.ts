import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { revokeSourceKey } from "@/lib/server/queries/api-keys";

export const DELETE = withAuth<undefined, undefined, { id: string; keyId: string }>(
  async ({ user, params }) => NextResponse.json(await revokeSourceKey(params.id, params.keyId, user.id)),
  { permission: "sources:write" },
);
