import { NextResponse } from "next/server";
import { checkHealth } from "@/lib/server/health";
import { prepareDatabase } from "@/lib/server/database";
import { withApiHeaders } from "@/lib/server/api/response-headers";

export const dynamic = "force-dynamic";

/** Public on purpose (load balancers, compose healthchecks): reports reachability only. */
export async function GET() {
  await prepareDatabase();
  const report = await checkHealth();
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (!report.ok) headers["Retry-After"] = "5";
  return withApiHeaders(NextResponse.json(report, { status: report.ok ? 200 : 503, headers }));
}
