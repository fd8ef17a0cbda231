import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZPeriodQuery } from "@/lib/feedback/schemas";
import { suggestSuppressionRules } from "@/lib/server/queries/suppression";

type Params = { id: string };

/** Rules proposed from the period's false-positive labels, each with its what-if. */
export const GET = withAuth<undefined, typeof ZPeriodQuery, Params>(
  async ({ params, query }) => NextResponse.json(await suggestSuppressionRules(params.id, query)),
  { permission: "detectors:read", query: ZPeriodQuery },
);
