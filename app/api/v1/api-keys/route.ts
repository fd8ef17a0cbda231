import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZApiKeyListQuery } from "@/lib/admin/schemas";
import { listAllKeys } from "@/lib/server/queries/api-keys";

/**
 * Every source API key (never its secret), newest first: `{ items, nextCursor }`. Revoking goes
 * through DELETE /api/v1/sources/[id]/keys/[keyId], like on the source page.
 */
export const GET = withAuth<undefined, typeof ZApiKeyListQuery>(async ({ query }) => NextResponse.json(await listAllKeys(query)), {
  permission: "sources:write",
  query: ZApiKeyListQuery,
});
