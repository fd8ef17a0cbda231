import { NextResponse } from "next/server";
import { checkHealth } from "@/lib/server/health";
import { prepareDatabase } from "@/lib/server/database";

export const dynamic = "force-dynamic";

/** Public on purpose (load balancers, compose healthchecks): reports reachability only. */
export async function GET() {
  await prepareDatabase();
  const report = await checkHealth();
  return NextResponse.json(report, { status: report.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
