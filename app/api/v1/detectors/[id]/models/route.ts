import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZModelCompareQuery } from "@/lib/feedback/schemas";
import { compareModelVersions } from "@/lib/server/queries/model-versions";

type Params = { id: string };

/** Model versions per series, each judged on the same labelled period (precision, recall, F1). */
export const GET = withAuth<undefined, typeof ZModelCompareQuery, Params>(
  async ({ params, query }) => NextResponse.json(await compareModelVersions(params.id, query)),
  { permission: "detectors:read", query: ZModelCompareQuery },
);
