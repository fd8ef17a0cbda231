/** History imports of a Prometheus source: start one (202, runs in the worker), list them with progress. */
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZStartImport } from "@/lib/ingest/source-config";
import { getQueueBackend } from "@/lib/server/queue";
import { listImports, startImport } from "@/lib/server/queries/source-imports";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json({ items: await listImports(params.id) }), {
  permission: "sources:read",
});

export const POST = withAuth<typeof ZStartImport, undefined, Params>(
  async ({ body, user, params }) => NextResponse.json({ import: await startImport(await getQueueBackend(), params.id, body, user.id) }, { status: 202 }),
  { permission: "sources:write", body: ZStartImport },
);
