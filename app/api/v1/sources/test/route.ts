/** Test an unsaved source config: a real fetch/subscription (≤10 s), answered as a sample or a precise error. */
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZTestSource } from "@/lib/ingest/source-config";
import { testSourceConfig } from "@/lib/connectors/test-source";

export const POST = withAuth(async ({ body }) => NextResponse.json(await testSourceConfig(body.kind, body.config)), {
  permission: "sources:write",
  body: ZTestSource,
});
