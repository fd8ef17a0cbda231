import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { ZCreateUser } from "@/lib/auth/schemas";
import { createUser, findUserByEmail, listUsers } from "@/lib/server/queries/users";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";

export const GET = withAuth(async () => NextResponse.json({ items: await listUsers(), nextCursor: null }), { permission: "users:manage" });

export const POST = withAuth(
  async ({ body, user }) => {
    if (await findUserByEmail(body.email)) throw new AppError("conflict", `A user with e-mail ${body.email} already exists`);
    const created = await getPrisma().$transaction(async (tx) => {
      const u = await createUser(body, tx);
      await writeAudit({ userId: user.id, action: "create", entity: "user", entityId: u.id, details: { email: u.email, role: u.role } }, tx);
      return u;
    });
    return NextResponse.json(created, { status: 201 });
  },
  { permission: "users:manage", body: ZCreateUser },
);
