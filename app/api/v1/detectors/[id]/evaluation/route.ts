import { NextResponse } from "next/server";
import { z } from "zod";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZPeriodQuery } from "@/lib/feedback/schemas";
import { evaluateDetector } from "@/lib/server/queries/evaluation";

type Params = { id: string };
const ZQuery = ZPeriodQuery.and(z.object({ targetRecall: z.coerce.number().min(0, "must be 0 to 1").max(1, "must be 0 to 1").optional() }));

/** Precision, recall and F1 from labels over `from`..`to` (default 30 days), weekly, per model version, and the curve over the threshold. */
export const GET = withAuth<undefined, typeof ZQuery, Params>(
  async ({ params, query }) => NextResponse.json(await evaluateDetector(params.id, query)),
  { permission: "detectors:read", query: ZQuery },
);
