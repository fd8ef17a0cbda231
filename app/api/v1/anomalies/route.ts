import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZAnomalyListQuery } from "@/lib/anomalies/schemas";
import { searchParamsToObject } from "@/lib/anomalies/search-params";
import { listAnomalyPage } from "@/lib/server/queries/anomaly-list";

/**
 * One keyset page of the triage queue: repeated keys filter by any of their values
 * (`?status=OPEN&status=ACKNOWLEDGED`); answered as `{ items, nextCursor }`. The query is parsed
 * here, not by withAuth, because withAuth keeps one value per key.
 */
export const GET = withAuth(
  async ({ req, user }) => {
    const query = ZAnomalyListQuery.parse(searchParamsToObject(req.nextUrl.searchParams));
    return NextResponse.json(await listAnomalyPage(query, user.id));
  },
  { permission: "anomalies:read" },
);
