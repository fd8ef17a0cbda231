import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZUpdateRule } from "@/lib/alerting/schemas";
import { deleteRule, getRule, updateRule } from "@/lib/server/queries/alert-rules";

type Params = { id: string };

export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await getRule(params.id)), { permission: "alerts:read" });

export const PATCH = withAuth<typeof ZUpdateRule, undefined, Params>(
  async ({ body, user, params }) => NextResponse.json(await updateRule(params.id, body, user.id)),
  { permission: "alerts:write", body: ZUpdateRule },
);

export const DELETE = withAuth<undefined, undefined, Params>(
  async ({ user, params }) => {
    await deleteRule(params.id, user.id);
    return new NextResponse(null, { status: 204 });
  },
  { permission: "alerts:write" },
);
