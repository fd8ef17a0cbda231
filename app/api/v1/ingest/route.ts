/** Push ingest, authenticated by a source API key (not a session). Formats: lib/ingest/parse.ts. */
import type { NextRequest } from "next/server";
import { errorResponse } from "@/lib/server/api/errors";
import { withApiHeaders } from "@/lib/server/api/response-headers";
import { handleIngest } from "@/lib/ingest/ingest";

export async function POST(req: NextRequest): Promise<Response> {
  try {
    return withApiHeaders(await handleIngest(req));
  } catch (error) {
    return withApiHeaders(errorResponse(error));
  }
}
