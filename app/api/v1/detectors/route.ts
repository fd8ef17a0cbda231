import { NextResponse } from "next/server";
import { ZCreateDetector } from "@/lib/detectors/schemas";
import { withAuth } from "@/lib/server/api/with-auth";
import { createDetector, listDetectors } from "@/lib/server/queries/detectors";
import { syncSchedulesAfterWrite } from "@/lib/server/schedules";

export const GET = withAuth(async () => NextResponse.json({ detectors: await listDetectors() }), { permission: "detectors:read" });

export const POST = withAuth(
  async ({ body, user }) => {
    const detector = await createDetector(body, user.id);
    await syncSchedulesAfterWrite("train");
    return NextResponse.json({ detector }, { status: 201 });
  },
  { permission: "detectors:write", body: ZCreateDetector },
);
