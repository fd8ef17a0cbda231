import { NextResponse } from "next/server";
import { ZCreateDetector, ZDetectorListQuery } from "@/lib/detectors/schemas";
import { withAuth } from "@/lib/server/api/with-auth";
import { createDetector, listDetectorPage } from "@/lib/server/queries/detectors";
import { syncSchedulesAfterWrite } from "@/lib/server/schedules";

/** Keyset pages in name order: `?limit=&cursor=&count=`, answered as { items, nextCursor } (and `total` with count=true). */
export const GET = withAuth(async ({ query }) => NextResponse.json(await listDetectorPage(query)), { permission: "detectors:read", query: ZDetectorListQuery });

export const POST = withAuth(
  async ({ body, user }) => {
    const detector = await createDetector(body, user.id);
    await syncSchedulesAfterWrite("train");
    return NextResponse.json(detector, { status: 201 });
  },
  { permission: "detectors:write", body: ZCreateDetector },
);
