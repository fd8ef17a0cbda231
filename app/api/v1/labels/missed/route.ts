import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZMissedQuery, ZNewMissed } from "@/lib/feedback/schemas";
import { addMissed, listMissed } from "@/lib/server/queries/labels";

export const GET = withAuth<undefined, typeof ZMissedQuery>(
  async ({ query }) => NextResponse.json({ items: await listMissed(query.detectorId, query.seriesId), nextCursor: null }),
  { permission: "anomalies:read", query: ZMissedQuery },
);

/** A span of a detector's series it should have flagged: 201 when new, 200 when that span was already marked. */
export const POST = withAuth<typeof ZNewMissed>(
  async ({ body, user }) => {
    const { missed, created } = await addMissed(body, user.id);
    return NextResponse.json(missed, { status: created ? 201 : 200 });
  },
  { permission: "anomalies:label", body: ZNewMissed, maxBodyBytes: 16_000 },
);
