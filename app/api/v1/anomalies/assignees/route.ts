import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZSimplePageQuery } from "@/lib/anomalies/schemas";
import { listAssignees } from "@/lib/server/queries/anomaly-triage";

/** Users an anomaly can be assigned to, by e-mail: `{ items, nextCursor }`. */
export const GET = withAuth(async ({ query }) => NextResponse.json(await listAssignees(query)), {
  permission: "anomalies:read",
  query: ZSimplePageQuery,
});
