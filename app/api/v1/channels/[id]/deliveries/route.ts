import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZListQuery } from "@/lib/alerting/schemas";
import { listChannelDeliveries } from "@/lib/server/queries/delivery-log";

type Params = { id: string };

export const GET = withAuth<undefined, typeof ZListQuery, Params>(
  async ({ query, params }) => NextResponse.json(await listChannelDeliveries(params.id, query.limit, query.cursor)),
  { permission: "alerts:read", query: ZListQuery },
);
