import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { listTokens } from "@/lib/server/queries/api-tokens";

/** Every user's API tokens, newest first (admins). */
export const GET = withAuth(async () => NextResponse.json({ items: await listTokens(), nextCursor: null }), { permission: "users:manage" });
