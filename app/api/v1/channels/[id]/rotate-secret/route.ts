import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { rotateChannelSecret } from "@/lib/server/queries/alert-channels";

type Params = { id: string };

/** The new webhook signing secret, shown this once; the old one stops signing at once. */
export const POST = withAuth<undefined, undefined, Params>(async ({ user, params }) => NextResponse.json(await rotateChannelSecret(params.id, user.id)), {
  permission: "alerts:write",
});
