import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZNewComment, ZSimplePageQuery } from "@/lib/anomalies/schemas";
import { addAnomalyComment, listAnomalyComments } from "@/lib/server/queries/anomaly-triage";

type Params = { id: string };

export const GET = withAuth<undefined, typeof ZSimplePageQuery, Params>(
  async ({ params, query }) => NextResponse.json(await listAnomalyComments(params.id, query)),
  { permission: "anomalies:read", query: ZSimplePageQuery },
);

export const POST = withAuth<typeof ZNewComment, undefined, Params>(
  async ({ params, body, user }) => NextResponse.json(await addAnomalyComment(params.id, body.body, user.id), { status: 201 }),
  { permission: "anomalies:comment", body: ZNewComment, maxBodyBytes: 64_000 },
);
