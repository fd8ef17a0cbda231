import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateSilence, ZSilenceListQuery } from "@/lib/alerting/schemas";
import { createSilence, listSilences } from "@/lib/server/queries/silences";

export const GET = withAuth(
  async ({ query }) => NextResponse.json({ items: await listSilences({ includeEnded: query.state === "all", limit: query.limit }), nextCursor: null }),
  { permission: "alerts:read", query: ZSilenceListQuery },
);

export const POST = withAuth(async ({ body, user }) => NextResponse.json(await createSilence(body, user.id), { status: 201 }), {
  permission: "silences:write",
  body: ZCreateSilence,
});
