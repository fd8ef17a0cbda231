/**
 * Test an unsaved source config: a real fetch/subscription (≤10 s), answered as a sample or a
 * precise error. Editing a saved source, the form sends its `sourceId`: a URL whose password is
 * shown masked is tested with the stored password (lib/sources/secrets.ts).
 */
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZTestSource } from "@/lib/ingest/source-config";
import { testSourceConfig } from "@/lib/connectors/test-source";
import { withStoredSecrets } from "@/lib/server/queries/sources";

export const POST = withAuth(async ({ body }) => NextResponse.json(await testSourceConfig(body.kind, body.sourceId ? await withStoredSecrets(body.sourceId, body.config) : body.config)), {
  permission: "sources:write",
  body: ZTestSource,
});
