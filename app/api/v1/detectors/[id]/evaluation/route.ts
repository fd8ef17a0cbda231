import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZEvaluationQuery } from "@/lib/feedback/schemas";
import { evaluateDetector } from "@/lib/server/queries/evaluation";

type Params = { id: string };

/** Precision, recall and F1 from labels over `from`..`to` (default 30 days), weekly, per model version, and the curve over the threshold. */
export const GET = withAuth<undefined, typeof ZEvaluationQuery, Params>(
  async ({ params, query }) => NextResponse.json(await evaluateDetector(params.id, query)),
  { permission: "detectors:read", query: ZEvaluationQuery },
);
