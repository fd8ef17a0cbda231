/**
 * The web process's metrics in Prometheus' text format (lib/metrics/README.md): its own requests
 * and pools, and the installation's job counts and detection lag. Open unless VIGIL_METRICS_TOKEN
 * is set, then a bearer token is required.
 */
import type { NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { prepareDatabase } from "@/lib/server/database";
import { getQueueBackend } from "@/lib/server/queue";
import { withApiHeaders } from "@/lib/server/api/response-headers";
import { installInstallationCollectors } from "@/lib/metrics/collectors";
import { scrapeMetrics } from "@/lib/metrics/render";

export const dynamic = "force-dynamic";

async function prepare(): Promise<void> {
  await prepareDatabase();
  installInstallationCollectors(getQueueBackend);
}

export async function GET(req: NextRequest): Promise<Response> {
  const a = await scrapeMetrics(req.headers.get("authorization"), getEnv().VIGIL_METRICS_TOKEN, prepare);
  return withApiHeaders(new Response(a.body, { status: a.status, headers: { "Content-Type": a.contentType } }));
}
