/** The OpenAPI 3.1 document (lib/openapi): public, no credentials, cacheable for five minutes. */
import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/openapi/document";
import { withApiHeaders } from "@/lib/server/api/response-headers";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return withApiHeaders(NextResponse.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } }));
}
