import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { expireSilence } from "@/lib/server/queries/silences";

type Params = { id: string };

/** Ends the silence now and answers it (state "ended"); it stays listed (state=all) with the deliveries it stopped. */
export const POST = withAuth<undefined, undefined, Params>(async ({ user, params }) => NextResponse.json(await expireSilence(params.id, user.id)), {
  permission: "silences:write",
});
