import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { readAnomalyWindow } from "@/lib/server/queries/anomaly-window";

type Params = { id: string };

/** The points around the anomaly with the band the detector expects there (re-scored, nothing written). */
export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await readAnomalyWindow(params.id)), {
  permission: "anomalies:read",
});
