import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZBulkAnomalyChange, type BulkResult } from "@/lib/anomalies/schemas";
import { assertMayChange, changeAnomalies } from "@/lib/server/queries/anomaly-triage";

/** The same status and/or assignee for up to 1,000 anomalies, in one transaction; `ids` lists those that changed. */
export const POST = withAuth(
  async ({ body, user }) => {
    assertMayChange(user.role, body);
    const ids = await changeAnomalies(body, user.id);
    return NextResponse.json({ updated: ids.length, ids } satisfies BulkResult);
  },
  { permission: "anomalies:triage", body: ZBulkAnomalyChange },
);
