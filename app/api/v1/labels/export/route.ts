import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZExportQuery } from "@/lib/feedback/schemas";
import { toCsv } from "@/lib/feedback/transfer";
import { exportLabels } from "@/lib/server/queries/label-transfer";

/** Every label (its whole history) and missed span, of one detector or all, as JSON `{ rows }` or CSV. */
export const GET = withAuth<undefined, typeof ZExportQuery>(
  async ({ query }) => {
    const rows = await exportLabels(query.detectorId);
    if (query.format === "json") return NextResponse.json({ rows });
    return new NextResponse(toCsv(rows), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="vigil-labels${query.detectorId ? `-${query.detectorId}` : ""}.csv"` },
    });
  },
  { permission: "anomalies:read", query: ZExportQuery },
);
