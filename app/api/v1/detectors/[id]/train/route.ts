import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { getQueueBackend } from "@/lib/server/queue";
import { requestTraining } from "@/lib/server/queries/detectors";

export const POST = withAuth<undefined, undefined, { id: string }>(
  async ({ user, params }) => NextResponse.json(await requestTraining(await getQueueBackend(), params.id, user.id), { status: 202 }),
  { permission: "detectors:write" },
);
