import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateKey } from "@/lib/ingest/source-config";
import { createSourceKey, listSourceKeys } from "@/lib/server/queries/api-keys";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json({ items: await listSourceKeys(params.id), nextCursor: null }), {
  permission: "sources:read",
});

/** The key, bare; its `key` field is the full push key, shown in this answer only. */
export const POST = withAuth<typeof ZCreateKey, undefined, Params>(
  async ({ body, user, params }) => NextResponse.json(await createSourceKey(params.id, body.name, user.id), { status: 201 }),
  { permission: "sources:write", body: ZCreateKey },
);
