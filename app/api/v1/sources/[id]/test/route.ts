/** Test a saved source's config, exactly as the unsaved test does. */
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { getSourceToUse } from "@/lib/server/queries/sources";
import { testSourceConfig } from "@/lib/connectors/test-source";

export const POST = withAuth<undefined, undefined, { id: string }>(
  async ({ params }) => {
    const source = await getSourceToUse(params.id);
    return NextResponse.json(await testSourceConfig(source.kind, source.config));
  },
  { permission: "sources:write" },
);
