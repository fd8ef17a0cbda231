import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZUpdateDetector } from "@/lib/detectors/schemas";
import { deleteDetector, getDetector, updateDetector } from "@/lib/server/queries/detectors";
import { ringDetectorAfterWrite, syncSchedulesAfterWrite } from "@/lib/server/schedules";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await getDetector(params.id)), {
  permission: "detectors:read",
});

/**
 * The detector bare, with `effect` beside its fields saying what the edit does to detection: `reset` (model-altering: scoring restarts from the
 * watermark, `restartsCheckpoint`), `redetect` (threshold: model kept, incidents re-derived over
 * history) or `none`.
 */
export const PATCH = withAuth<typeof ZUpdateDetector, undefined, Params>(
  async ({ body, user, params }) => {
    const result = await updateDetector(params.id, body, user.id);
    if (result.effect === "redetect") await ringDetectorAfterWrite(params.id);
    await syncSchedulesAfterWrite("train");
    return NextResponse.json(result);
  },
  { permission: "detectors:write", body: ZUpdateDetector },
);

export const DELETE = withAuth<undefined, undefined, Params>(
  async ({ user, params }) => {
    await deleteDetector(params.id, user.id);
    await syncSchedulesAfterWrite("train");
    return new NextResponse(null, { status: 204 });
  },
  { permission: "detectors:write" },
);
