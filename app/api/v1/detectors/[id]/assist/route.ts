import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZAssistSwitch } from "@/lib/feedback/assist-schemas";
import { ZPeriodQuery } from "@/lib/feedback/schemas";
import { getAssist, switchAssist } from "@/lib/server/queries/assist";

type Params = { id: string };

/** The supervised assist: labels it has, its effect on held-out labels, what it would filter over the period, and its rule if any. */
export const GET = withAuth<undefined, typeof ZPeriodQuery, Params>(async ({ params, query }) => NextResponse.json(await getAssist(params.id, query)), {
  permission: "detectors:read",
  query: ZPeriodQuery,
});

/** Turns the assist on (trains on every label now, or restores `ruleId`) or off; audited, incidents re-marked. */
export const POST = withAuth<typeof ZAssistSwitch, undefined, Params>(async ({ params, body, user }) => NextResponse.json(await switchAssist(params.id, body, user.id)), {
  permission: "detectors:write",
  body: ZAssistSwitch,
});
