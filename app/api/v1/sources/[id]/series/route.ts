import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZSourceSeriesQuery } from "@/lib/sources/series-query";
import { listSourceSeriesPage } from "@/lib/server/queries/series";

type Params = { id: string };

/** One keyset page of a source's series: `?limit=&cursor=&q=&count=`, answered as { items, nextCursor } (and `total` with count=true). */
export const GET = withAuth<undefined, typeof ZSourceSeriesQuery, Params>(
  async ({ query, params }) => NextResponse.json(await listSourceSeriesPage(params.id, query)),
  { permission: "sources:read", query: ZSourceSeriesQuery },
);
