import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZAuditQuery } from "@/lib/admin/schemas";
import { listAuditPage } from "@/lib/server/audit";

/** The audit log, newest first: `{ items, nextCursor }`, filtered by entity, entityId and userId. */
export const GET = withAuth<undefined, typeof ZAuditQuery>(async ({ query }) => NextResponse.json(await listAuditPage(query)), {
  permission: "audit:read",
  query: ZAuditQuery,
});
