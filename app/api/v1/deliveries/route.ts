import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZRecentDeliveriesQuery } from "@/lib/alerting/schemas";
import { listRecentDeliveries } from "@/lib/server/queries/delivery-log";

/** The most recent deliveries across channels, failures first. */
export const GET = withAuth(async ({ query }) => NextResponse.json({ items: await listRecentDeliveries(query.limit), nextCursor: null }), {
  permission: "alerts:read",
  query: ZRecentDeliveriesQuery,
});
