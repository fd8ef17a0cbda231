import { NextResponse } from "next/server";
import { checkReady } from "@/lib/server/ready";
import { prepareDatabase } from "@/lib/server/database";
import { withApiHeaders } from "@/lib/server/api/response-headers";

export const dynamic = "force-dynamic";

/** Public on purpose (readiness probes): database and queue reachable, migrations applied. */
export async function GET() {
  await prepareDatabase();
  const report = await checkReady();
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (!report.ok) headers["Retry-After"] = "5";
  return withApiHeaders(NextResponse.json(report, { status: report.ok ? 200 : 503, headers }));
}
