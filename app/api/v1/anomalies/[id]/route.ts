import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZAnomalyChange } from "@/lib/anomalies/schemas";
import { getAnomalyDetail } from "@/lib/server/queries/anomaly-list";
import { assertAnomalyExists, assertMayChange, changeAnomalies } from "@/lib/server/queries/anomaly-triage";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await getAnomalyDetail(params.id)), {
  permission: "anomalies:read",
});

/** `{ status?, assigneeId? }`: recorded in the history with who did it; answers the anomaly as it now is. */
export const PATCH = withAuth<typeof ZAnomalyChange, undefined, Params>(
  async ({ params, body, user }) => {
    assertMayChange(user.role, body);
    await assertAnomalyExists(params.id);
    await changeAnomalies({ ...body, ids: [params.id] }, user.id);
    return NextResponse.json(await getAnomalyDetail(params.id));
  },
  { permission: "anomalies:triage", body: ZAnomalyChange },
);
