import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZRuleWhatIfQuery } from "@/lib/feedback/suppression-schemas";
import { whatIfSuppressionRule } from "@/lib/server/queries/suppression";

type Params = { id: string };

/** What a rule (new, or `excludeRuleId` edited) would have done to the labelled history: false positives removed, true positives lost, anomalies a day. */
export const GET = withAuth<undefined, typeof ZRuleWhatIfQuery, Params>(
  async ({ params, query }) => NextResponse.json(await whatIfSuppressionRule(params.id, query)),
  { permission: "detectors:read", query: ZRuleWhatIfQuery },
);
