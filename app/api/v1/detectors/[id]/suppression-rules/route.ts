import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZNewSuppressionRule } from "@/lib/feedback/suppression-schemas";
import { createSuppressionRule, listSuppressionRules } from "@/lib/server/queries/suppression";

type Params = { id: string };

/** The detector's suppression rules, oldest first, each with the incidents it suppresses now. */
export const GET = withAuth<undefined, undefined, Params>(async ({ params }) => NextResponse.json(await listSuppressionRules(params.id)), {
  permission: "detectors:read",
});

/** Applies a rule (a suggestion or written by hand): matching incidents are kept, marked suppressed, and do not alert. Audited. */
export const POST = withAuth<typeof ZNewSuppressionRule, undefined, Params>(
  async ({ params, body, user }) => NextResponse.json(await createSuppressionRule(params.id, body, user.id), { status: 201 }),
  { permission: "detectors:write", body: ZNewSuppressionRule },
);
