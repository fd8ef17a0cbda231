import { NextResponse } from "next/server";
import { z } from "zod";
import { withAuth } from "@/lib/server/api/with-auth";
import { listRecentDeliveries } from "@/lib/server/queries/delivery-log";

const ZQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** The most recent deliveries across channels, failures first. */
export const GET = withAuth(async ({ query }) => NextResponse.json({ items: await listRecentDeliveries(query.limit), nextCursor: null }), {
  permission: "alerts:read",
  query: ZQuery,
});
