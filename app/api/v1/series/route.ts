import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZSeriesListQuery } from "@/lib/detectors/schemas";
import { listSeriesPage } from "@/lib/server/queries/series";

/** Keyset pages of the series of any of `sourceId` (repeatable): `?limit=&cursor=&q=&count=`, answered as { items, nextCursor } (and `total` with count=true). */
export const GET = withAuth(async ({ query }) => NextResponse.json(await listSeriesPage(query)), { permission: "sources:read", query: ZSeriesListQuery });
