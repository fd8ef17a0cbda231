import type { NextRequest } from "next/server";
import { unavailablePage } from "@/lib/server/unavailable";

export const dynamic = "force-dynamic";

/** Where signed-in pages go when the database is down (lib/auth/page-guard.ts): a 503 to retry from. */
export function GET(req: NextRequest) {
  return unavailablePage(req.nextUrl.searchParams.get("from") ?? "/");
}
