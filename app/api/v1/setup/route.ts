import { NextResponse, type NextRequest } from "next/server";
import { ZSetup } from "@/lib/auth/schemas";
import { createFirstAdmin } from "@/lib/server/bootstrap";
import { AppError, errorResponse } from "@/lib/server/api/errors";
import { assertMediaType, assertSameOrigin } from "@/lib/server/api/request-checks";
import { assertStorable } from "@/lib/server/api/storable-text";
import { withApiHeaders } from "@/lib/server/api/response-headers";
import { prepareDatabase } from "@/lib/server/database";
import { readBodyText } from "@/lib/ingest/read-body";

/** An e-mail, a name and a password: anything larger is refused while it is read (413), before any parsing. */
const MAX_BODY_BYTES = 16_000;

/** First run only: creates the first admin while no user exists; 409 afterwards. */
export async function POST(req: NextRequest) {
  try {
    assertSameOrigin(req);
    assertMediaType(req.headers.get("content-type"), "application/json");
    const text = await readBodyText(req, MAX_BODY_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("bad_request", "Body must be JSON");
    }
    assertStorable(json, "body");
    const input = ZSetup.parse(json);
    await prepareDatabase();
    const result = await createFirstAdmin(input);
    if (!result.created) throw new AppError("conflict", "Vigil is already set up; sign in instead");
    return withApiHeaders(NextResponse.json({ ok: true }, { status: 201 }));
  } catch (error) {
    return withApiHeaders(errorResponse(error));
  }
}
