import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { activateModelVersion } from "@/lib/server/queries/model-versions";
import { ringDetectorAfterWrite } from "@/lib/server/schedules";

type Params = { id: string; modelId: string };

/** Makes a stored version its series' active model (rollback), through training's install path; the worker re-scores after its window. Audited. */
export const POST = withAuth<undefined, undefined, Params>(
  async ({ params, user }) => {
    const result = await activateModelVersion(params.id, params.modelId, user.id);
    await ringDetectorAfterWrite(params.id);
    return NextResponse.json(result);
  },
  { permission: "detectors:write" },
);
