import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { deleteDetector, getDetector, updateDetector } from "@/lib/server/queries/detectors";
import { ZUpdateDetectorRequest } from "@/lib/pipeline/train-schedule-cron";
import { getRetrainCron, setRetrainCron } from "@/lib/pipeline/train-schedule";
import { syncSchedulesAfterWrite } from "@/lib/server/schedules";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(
  async ({ params }) => {
    const [detector, retrainCron] = await Promise.all([getDetector(params.id), getRetrainCron(params.id)]);
    return NextResponse.json({ detector: { ...detector, retrainCron } });
  },
  { permission: "detectors:read" },
);

/**
 * `restartsCheckpoint`: the edit resets scoring state from the watermark; history is re-scored only by a backfill.
 * `retrainCron` is written after the other fields, so a refused edit (409, 422) leaves the schedule as it was.
 */
export const PATCH = withAuth<typeof ZUpdateDetectorRequest, undefined, Params>(
  async ({ body: { retrainCron, ...changes }, user, params }) => {
    const onlySchedule = retrainCron !== undefined && Object.keys(changes).length === 0;
    const { detector, restartsCheckpoint } = onlySchedule
      ? { detector: await getDetector(params.id), restartsCheckpoint: false }
      : await updateDetector(params.id, changes, user.id);
    const cron = retrainCron === undefined ? await getRetrainCron(params.id) : await setRetrainCron(params.id, retrainCron, user.id);
    await syncSchedulesAfterWrite("train");
    return NextResponse.json({ detector: { ...detector, retrainCron: cron }, restartsCheckpoint });
  },
  { permission: "detectors:write", body: ZUpdateDetectorRequest },
);

export const DELETE = withAuth<undefined, undefined, Params>(
  async ({ user, params }) => {
    await deleteDetector(params.id, user.id);
    await syncSchedulesAfterWrite("train");
    return new NextResponse(null, { status: 204 });
  },
  { permission: "detectors:write" },
);
