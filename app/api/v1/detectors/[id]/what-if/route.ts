import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZWhatIfQuery } from "@/lib/feedback/schemas";
import { whatIfThreshold } from "@/lib/server/queries/threshold-change";

type Params = { id: string };

/** What `threshold` would have done over `from`..`to`, next to the current threshold. Nothing is written. */
export const GET = withAuth<undefined, typeof ZWhatIfQuery, Params>(
  async ({ params, query }) => NextResponse.json(await whatIfThreshold(params.id, query)),
  { permission: "detectors:read", query: ZWhatIfQuery },
);
