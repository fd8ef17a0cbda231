import { NextResponse, type NextRequest } from "next/server";
import { ZSetup } from "@/lib/auth/schemas";
import { createFirstAdmin } from "@/lib/server/bootstrap";
import { AppError, errorResponse } from "@/lib/server/api/errors";
import { prepareDatabase } from "@/lib/server/database";

/** First run only: creates the first admin while no user exists; 409 afterwards. */
export async function POST(req: NextRequest) {
  try {
    await prepareDatabase();
    let json: unknown;
    try {
      json = await req.json();
    } catch {
      throw new AppError("bad_request", "Body must be JSON");
    }
    const input = ZSetup.parse(json);
    const result = await createFirstAdmin(input);
    if (!result.created) throw new AppError("conflict", "Vigil is already set up; sign in instead");
    return NextResponse.json({ ok: true }, { status: 201 });
  } catch (error) {
    return errorResponse(error);
  }
}
