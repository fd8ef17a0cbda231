/** History imports of a Prometheus source: start one (202, runs in the worker; the import bare), list them with progress (the latest 50, { items, nextCursor: null }). */
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZStartImport } from "@/lib/ingest/source-config";
import { getQueueBackend } from "@/lib/server/queue";
import { listImports, startImport } from "@/lib/server/queries/source-imports";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json({ items: await listImports(params.id), nextCursor: null }), {
  permission: "sources:read",
});

export const POST = withAuth<typeof ZStartImport, undefined, Params>(
  async ({ body, user, params }) => NextResponse.json(await startImport(await getQueueBackend(), params.id, body, user.id), { status: 202 }),
  { permission: "sources:write", body: ZStartImport },
);
