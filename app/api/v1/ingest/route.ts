/** Push ingest, authenticated by a source API key (not a session). Formats: lib/ingest/parse.ts. */
import type { NextRequest } from "next/server";
import { errorResponse } from "@/lib/server/api/errors";
import { handleIngest } from "@/lib/ingest/ingest";

export async function POST(req: NextRequest): Promise<Response> {
  try {
    return await handleIngest(req);
  } catch (error) {
    return errorResponse(error);
  }
}
