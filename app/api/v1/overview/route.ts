import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZOverviewQuery, type Overview } from "@/lib/overview/schemas";
import { getOverviewData } from "@/lib/server/queries/overview";
import { getQueueStats } from "@/lib/server/health";

/** Everything the overview shows, in one answer (the page polls it). */
export const GET = withAuth<undefined, typeof ZOverviewQuery>(
  async ({ query }) => {
    const [data, queue] = await Promise.all([getOverviewData(query), getQueueStats()]);
    return NextResponse.json({ ...data, queue } satisfies Overview);
  },
  { permission: "overview:read", query: ZOverviewQuery },
);
