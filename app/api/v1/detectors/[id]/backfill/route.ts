import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZBackfill } from "@/lib/detectors/schemas";
import { getQueueBackend } from "@/lib/server/queue";
import { requestBackfill } from "@/lib/server/queries/detectors";

export const POST = withAuth<typeof ZBackfill, undefined, { id: string }>(
  async ({ body, user, params }) => NextResponse.json(await requestBackfill(await getQueueBackend(), params.id, body, user.id), { status: 202 }),
  { permission: "detectors:write", body: ZBackfill },
);
