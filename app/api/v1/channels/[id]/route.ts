import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZUpdateChannel } from "@/lib/alerting/schemas";
import { deleteChannel, getChannel, updateChannel } from "@/lib/server/queries/alert-channels";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await getChannel(params.id)), { permission: "alerts:read" });

/** `config` is merged into the stored one; masked values (********) keep what is stored. */
export const PATCH = withAuth<typeof ZUpdateChannel, undefined, Params>(
  async ({ body, user, params }) => NextResponse.json(await updateChannel(params.id, body, user.id)),
  { permission: "alerts:write", body: ZUpdateChannel },
);

export const DELETE = withAuth<undefined, undefined, Params>(
  async ({ user, params }) => {
    await deleteChannel(params.id, user.id);
    return new NextResponse(null, { status: 204 });
  },
  { permission: "alerts:write" },
);
