import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { describeAnomalyAlerting } from "@/lib/server/queries/delivery-log";

type Params = { id: string };

/** Who was notified about the anomaly, and for every other enabled rule why not; plus matchers for a silence of its series. */
export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await describeAnomalyAlerting(params.id)), {
  permission: "anomalies:read",
});
