import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZUpdateDetector } from "@/lib/detectors/schemas";
import { deleteDetector, getDetector, updateDetector } from "@/lib/server/queries/detectors";
import { syncSchedulesAfterWrite } from "@/lib/server/schedules";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json({ detector: await getDetector(params.id) }), {
  permission: "detectors:read",
});

/** `restartsCheckpoint`: the edit resets scoring state from the watermark; history is re-scored only by a backfill. */
export const PATCH = withAuth<typeof ZUpdateDetector, undefined, Params>(
  async ({ body, user, params }) => {
    const result = await updateDetector(params.id, body, user.id);
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
