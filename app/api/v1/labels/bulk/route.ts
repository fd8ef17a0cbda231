import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZBulkLabel } from "@/lib/feedback/schemas";
import { addLabels } from "@/lib/server/queries/labels";

/** The same label on up to 500 anomalies in one request and one transaction (the queue's t/f/n on a selection). */
export const POST = withAuth<typeof ZBulkLabel, undefined>(
  async ({ body, user }) => NextResponse.json(await addLabels(body, user.id), { status: 201 }),
  { permission: "anomalies:label", body: ZBulkLabel, maxBodyBytes: 64_000 },
);
