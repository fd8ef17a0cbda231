import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZSeriesListQuery } from "@/lib/detectors/schemas";
import { listSeries } from "@/lib/server/queries/series";

export const GET = withAuth(async ({ query }) => NextResponse.json(await listSeries(query)), { permission: "sources:read", query: ZSeriesListQuery });
