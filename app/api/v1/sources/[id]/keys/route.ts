import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateKey } from "@/lib/ingest/source-config";
import { createSourceKey, listSourceKeys } from "@/lib/server/queries/api-keys";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json({ keys: await listSourceKeys(params.id) }), {
  permission: "sources:read",
});

/** The response is the only time the full key is shown. */
export const POST = withAuth<typeof ZCreateKey, undefined, Params>(
  async ({ body, user, params }) => NextResponse.json({ key: await createSourceKey(params.id, body.name, user.id) }, { status: 201 }),
  { permission: "sources:write", body: ZCreateKey },
);
