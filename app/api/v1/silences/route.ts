import { NextResponse } from "next/server";
import { z } from "zod";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateSilence } from "@/lib/alerting/schemas";
import { createSilence, listSilences } from "@/lib/server/queries/silences";

const ZQuery = z.object({ state: z.enum(["active", "all"]).default("active"), limit: z.coerce.number().int().min(1).max(200).default(100) });

export const GET = withAuth(
  async ({ query }) => NextResponse.json({ items: await listSilences({ includeEnded: query.state === "all", limit: query.limit }), nextCursor: null }),
  { permission: "alerts:read", query: ZQuery },
);

export const POST = withAuth(async ({ body, user }) => NextResponse.json({ silence: await createSilence(body, user.id) }, { status: 201 }), {
  permission: "silences:write",
  body: ZCreateSilence,
});
