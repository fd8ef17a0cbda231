import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZApplyThreshold } from "@/lib/feedback/schemas";
import { applyThreshold } from "@/lib/server/queries/threshold-change";
import { ringDetectorAfterWrite } from "@/lib/server/schedules";

type Params = { id: string };

/** Applies a threshold (a suggestion, an undo or by hand): audited; the model is kept and incidents are re-derived. Answers `{ previous }` to undo with. */
export const POST = withAuth<typeof ZApplyThreshold, undefined, Params>(
  async ({ params, body, user }) => {
    const result = await applyThreshold(params.id, body.threshold, body.basis, user.id);
    if (result.effect === "redetect") await ringDetectorAfterWrite(params.id);
    return NextResponse.json(result);
  },
  { permission: "detectors:write", body: ZApplyThreshold },
);
