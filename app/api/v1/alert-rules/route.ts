import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateRule } from "@/lib/alerting/schemas";
import { createRule, listRules } from "@/lib/server/queries/alert-rules";

export const GET = withAuth(async () => NextResponse.json({ items: await listRules(), nextCursor: null }), { permission: "alerts:read" });

export const POST = withAuth(async ({ body, user }) => NextResponse.json(await createRule(body, user.id), { status: 201 }), {
  permission: "alerts:write",
  body: ZCreateRule,
});
