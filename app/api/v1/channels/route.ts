import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateChannel } from "@/lib/alerting/schemas";
import { createChannel, listChannels } from "@/lib/server/queries/alert-channels";

export const GET = withAuth(async () => NextResponse.json({ items: await listChannels(), nextCursor: null }), { permission: "alerts:read" });

/** The channel, bare, with the webhook's signing `secret` beside its fields: in this answer and never again (rotate to get a new one). */
export const POST = withAuth(async ({ body, user }) => NextResponse.json(await createChannel(body, user.id), { status: 201 }), {
  permission: "alerts:write",
  body: ZCreateChannel,
});
