import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZPointsQuery } from "@/lib/detectors/schemas";
import { readSeriesBuckets } from "@/lib/server/queries/series";

export const GET = withAuth<undefined, typeof ZPointsQuery, { id: string }>(
  async ({ query, params }) => NextResponse.json(await readSeriesBuckets(params.id, query)),
  { permission: "sources:read", query: ZPointsQuery },
);
