import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZSimplePageQuery } from "@/lib/anomalies/schemas";
import { listAnomalyActivity } from "@/lib/server/queries/anomaly-triage";

type Params = { id: string };

/** The history, oldest first: triage by people and re-detection by the pipeline (user null). */
export const GET = withAuth<undefined, typeof ZSimplePageQuery, Params>(
  async ({ params, query }) => NextResponse.json(await listAnomalyActivity(params.id, query)),
  { permission: "anomalies:read", query: ZSimplePageQuery },
);
