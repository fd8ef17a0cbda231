import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";
import { endUserSessions } from "@/lib/server/queries/sessions";

/** Ends every session of a user at once (a lost laptop, a leaked cookie): they sign in again. */
export const DELETE = withAuth<undefined, undefined, { id: string }>(
  async ({ user, params }) => {
    const ended = await getPrisma().$transaction(async (tx) => {
      const target = await tx.user.findUnique({ where: { id: params.id }, select: { id: true } });
      if (!target) throw new AppError("not_found", `No user ${params.id}`);
      const count = await endUserSessions(target.id, tx);
      await writeAudit({ userId: user.id, action: "end_sessions", entity: "user", entityId: target.id, details: { sessions: count } }, tx);
      return count;
    });
    return NextResponse.json({ ended });
  },
  { permission: "users:manage" },
);
