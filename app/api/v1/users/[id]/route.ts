import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZUpdateUser } from "@/lib/auth/schemas";
import { countActiveAdmins, updateUser } from "@/lib/server/queries/users";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";

export const PATCH = withAuth<typeof ZUpdateUser, undefined, { id: string }>(
  async ({ body, user, params }) => {
    const updated = await getPrisma().$transaction(async (tx) => {
      const u = await updateUser(params.id, body, tx);
      // Never leave the product without an admin who can sign in.
      if ((await countActiveAdmins(tx)) === 0) throw new AppError("conflict", "At least one active admin must remain");
      const { password, ...changes } = body;
      await writeAudit(
        { userId: user.id, action: "update", entity: "user", entityId: u.id, details: { ...changes, passwordChanged: !!password } },
        tx,
      );
      return u;
    });
    return NextResponse.json(updated);
  },
  { permission: "users:manage", body: ZUpdateUser },
);
