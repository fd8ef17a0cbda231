/** Push ingest, authenticated by a source API key (not a session). Formats: lib/ingest/parse.ts. */
import type { NextRequest } from "next/server";
import { errorResponse } from "@/lib/server/api/errors";
import { withApiHeaders } from "@/lib/server/api/response-headers";
import { handleIngest } from "@/lib/ingest/ingest";
import { observeIngestRequest } from "@/lib/metrics/record";

export async function POST(req: NextRequest): Promise<Response> {
  const started = performance.now();
  let res: Response;
  try {
    res = withApiHeaders(await handleIngest(req));
  } catch (error) {
    res = withApiHeaders(errorResponse(error));
  }
  observeIngestRequest(res.status, (performance.now() - started) / 1000);
  return res;
}
