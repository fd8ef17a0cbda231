import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateDetector } from "@/lib/detectors/schemas";
import { createDetector, listDetectors } from "@/lib/server/queries/detectors";

export const GET = withAuth(async () => NextResponse.json({ detectors: await listDetectors() }), { permission: "detectors:read" });

export const POST = withAuth(
  async ({ body, user }) => NextResponse.json({ detector: await createDetector(body, user.id) }, { status: 201 }),
  { permission: "detectors:write", body: ZCreateDetector },
);
