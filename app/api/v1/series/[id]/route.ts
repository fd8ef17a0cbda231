import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { getSeriesDetail } from "@/lib/server/queries/series";

/** One series for the explorer, bare: labels, source, first and last point, attached detectors. */
export const GET = withAuth<undefined, undefined, { id: string }>(async ({ params }) => NextResponse.json(await getSeriesDetail(params.id)), {
  permission: "sources:read",
});
