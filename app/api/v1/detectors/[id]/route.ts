import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZUpdateDetector } from "@/lib/detectors/schemas";
import { deleteDetector, getDetector, updateDetector } from "@/lib/server/queries/detectors";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json({ detector: await getDetector(params.id) }), {
  permission: "detectors:read",
});

/** `restartsCheckpoint`: the edit resets scoring state from the watermark; history is re-scored only by a backfill. */
export const PATCH = withAuth<typeof ZUpdateDetector, undefined, Params>(
  async ({ body, user, params }) => NextResponse.json(await updateDetector(params.id, body, user.id)),
  { permission: "detectors:write", body: ZUpdateDetector },
);

export const DELETE = withAuth<undefined, undefined, Params>(
  async ({ user, params }) => {
    await deleteDetector(params.id, user.id);
    return new NextResponse(null, { status: 204 });
  },
  { permission: "detectors:write" },
);
