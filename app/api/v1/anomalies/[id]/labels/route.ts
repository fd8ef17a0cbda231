import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZNewLabel } from "@/lib/feedback/schemas";
import { assertAnomalyExists } from "@/lib/server/queries/anomaly-triage";
import { addLabel, getLabelHistory } from "@/lib/server/queries/labels";

type Params = { id: string };

/** The label history, newest first (labels of incidents merged into this one included); `current` is the latest. */
export const GET = withAuth<undefined, undefined, Params>(
  async ({ params }) => {
    await assertAnomalyExists(params.id);
    return NextResponse.json(await getLabelHistory(params.id));
  },
  { permission: "anomalies:read" },
);

/** A new label (true/false positive or unsure, optional reason and note): a new history row, never an overwrite. */
export const POST = withAuth<typeof ZNewLabel, undefined, Params>(
  async ({ params, body, user }) => NextResponse.json(await addLabel(params.id, body, user.id), { status: 201 }),
  { permission: "anomalies:label", body: ZNewLabel, maxBodyBytes: 16_000 },
);
