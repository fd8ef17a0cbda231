import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZSuppressionRuleChange } from "@/lib/feedback/suppression-schemas";
import { deleteSuppressionRule, updateSuppressionRule } from "@/lib/server/queries/suppression";

type Params = { id: string; ruleId: string };

/** Edits a rule's conditions or note, or disables/enables it; incidents are re-marked. Audited. */
export const PATCH = withAuth<typeof ZSuppressionRuleChange, undefined, Params>(
  async ({ params, body, user }) => NextResponse.json(await updateSuppressionRule(params.id, params.ruleId, body, user.id)),
  { permission: "detectors:write", body: ZSuppressionRuleChange },
);

/** Removes a rule; the incidents it suppressed alert again from their next change. Audited. */
export const DELETE = withAuth<undefined, undefined, Params>(
  async ({ params, user }) => NextResponse.json(await deleteSuppressionRule(params.id, params.ruleId, user.id)),
  { permission: "detectors:write" },
);
