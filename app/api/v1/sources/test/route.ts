/** Test an unsaved source config: a real fetch/subscription (≤10 s), answered as a sample or a precise error. */
import { NextResponse } from "next/server";
import { z } from "zod";
import { withAuth } from "@/lib/server/api/with-auth";
import { SOURCE_KINDS } from "@/lib/ingest/source-config";
import { testSourceConfig } from "@/lib/connectors/test-source";

const ZTestSource = z.object({ kind: z.enum(SOURCE_KINDS), config: z.unknown().default({}) }).strict();

export const POST = withAuth(async ({ body }) => NextResponse.json(await testSourceConfig(body.kind, body.config)), {
  permission: "sources:write",
  body: ZTestSource,
});
