import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { sendTestMessage } from "@/lib/server/queries/alert-channels";

type Params = { id: string };

/** Sends a test message now; 200 with the receiver's answer whether it accepted it or not. */
export const POST = withAuth<undefined, undefined, Params>(async ({ user, params }) => NextResponse.json(await sendTestMessage(params.id, user.id)), {
  permission: "alerts:write",
});
