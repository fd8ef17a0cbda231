import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZPreview } from "@/lib/detectors/schemas";
import { previewDetector } from "@/lib/server/queries/series";

/** Runs the pure detector in-process over stored points: nothing is written. */
export const POST = withAuth(async ({ body }) => NextResponse.json(await previewDetector(body)), {
  permission: "detectors:read",
  body: ZPreview,
});
