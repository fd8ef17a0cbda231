import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZUpdateSource } from "@/lib/ingest/source-config";
import { deleteSource, getSource, updateSource } from "@/lib/server/queries/sources";
import { syncSchedulesAfterWrite } from "@/lib/server/schedules";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await getSource(params.id)), {
  permission: "sources:read",
});

export const PATCH = withAuth<typeof ZUpdateSource, undefined, Params>(
  async ({ body, user, params }) => {
    const source = await updateSource(params.id, body, user.id);
    await syncSchedulesAfterWrite("poll");
    return NextResponse.json(source);
  },
  { permission: "sources:write", body: ZUpdateSource },
);

export const DELETE = withAuth<undefined, undefined, Params>(
  async ({ user, params }) => {
    await deleteSource(params.id, user.id);
    await syncSchedulesAfterWrite("poll");
    return new NextResponse(null, { status: 204 });
  },
  { permission: "sources:write" },
);
