import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateSource } from "@/lib/ingest/source-config";
import { createSource, listSources } from "@/lib/server/queries/sources";
import { syncSchedulesAfterWrite } from "@/lib/server/schedules";

export const GET = withAuth(async () => NextResponse.json({ items: await listSources(), nextCursor: null }), { permission: "sources:read" });

export const POST = withAuth(
  async ({ body, user }) => {
    const source = await createSource(body, user.id);
    await syncSchedulesAfterWrite("poll");
    return NextResponse.json(source, { status: 201 });
  },
  { permission: "sources:write", body: ZCreateSource },
);
