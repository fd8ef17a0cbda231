import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { createDetector, listDetectors } from "@/lib/server/queries/detectors";
import { ZCreateDetectorRequest } from "@/lib/pipeline/train-schedule-cron";
import { setRetrainCron } from "@/lib/pipeline/train-schedule";
import { syncSchedulesAfterWrite } from "@/lib/server/schedules";

export const GET = withAuth(async () => NextResponse.json({ detectors: await listDetectors() }), { permission: "detectors:read" });

export const POST = withAuth(
  async ({ body: { retrainCron = null, ...input }, user }) => {
    const detector = await createDetector(input, user.id);
    if (retrainCron) await setRetrainCron(detector.id, retrainCron, user.id);
    await syncSchedulesAfterWrite("train");
    return NextResponse.json({ detector: { ...detector, retrainCron } }, { status: 201 });
  },
  { permission: "detectors:write", body: ZCreateDetectorRequest },
);
