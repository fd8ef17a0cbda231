import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { listAlgorithms } from "@/lib/detectors/algorithms";

export const GET = withAuth(async () => NextResponse.json({ algorithms: listAlgorithms() }), { permission: "detectors:read" });
