import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { listAlgorithms } from "@/lib/detectors/algorithms";

/** Every algorithm, unpaged (a short fixed list): { items, nextCursor: null }. */
export const GET = withAuth(async () => NextResponse.json({ items: listAlgorithms(), nextCursor: null }), { permission: "detectors:read" });
