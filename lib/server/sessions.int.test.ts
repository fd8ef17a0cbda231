/**
 * Sessions end when they should: the cookie's JWT names a UserSession row, checked on each request.
 * getServerSession is mocked to hand back what next-auth's callbacks made of the token.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { JWT } from "next-auth/jwt";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma, disconnectPrisma } from "@/lib/server/db";
import { resetEnvForTests } from "@/lib/env";
import { createUser } from "@/lib/server/queries/users";
import { getAuthOptions } from "@/lib/auth/options";
import { GET as me } from "@/app/api/v1/me/route";
import { PATCH as patchUser } from "@/app/api/v1/users/[id]/route";
import { DELETE as endSessions } from "@/app/api/v1/users/[id]/sessions/route";

const db = withTestDatabase();
vi.mock("server-only", () => ({}));
const current = vi.hoisted(() => ({ token: null as JWT | null }));
vi.mock("next-auth", async (original) => ({
  ...(await original<typeof import("next-auth")>()),
  getServerSession: async () => (current.token ? { user: { id: current.token.sub, sid: current.token.sid } } : null),
}));

const ctx = (id = "") => ({ params: Promise.resolve({ id }) });
const ids = { admin: "", op: "" };

/** What next-auth's jwt callback makes on sign-in: the token of a new session. */
async function signIn(userId: string, role: "ADMIN" | "OPERATOR"): Promise<JWT> {
  const callbacks = getAuthOptions().callbacks!;
  return (await callbacks.jwt!({ token: { sub: userId }, user: { id: userId, role } as never, account: null, trigger: "signIn" } as never)) as JWT;
}
async function statusAs(token: JWT): Promise<number> {
  current.token = token;
  return (await me(new NextRequest("http://localhost/api/v1/me"), ctx())).status;
}
async function asAdmin<T>(token: JWT, fn: () => Promise<T>): Promise<T> {
  current.token = token;
  return fn();
}
const patch = (id: string, body: unknown) => patchUser(new NextRequest(`http://localhost/api/v1/users/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), ctx(id));

beforeAll(async () => {
  ids.admin = (await createUser({ email: "admin@example.com", password: "admin long password", role: "ADMIN" })).id;
  ids.op = (await createUser({ email: "op@example.com", password: "operator long password", role: "OPERATOR" })).id;
});

describe("sessions", () => {
  it("sign-out ends that session at once, and only that one", async () => {
    const laptop = await signIn(ids.op, "OPERATOR");
    const phone = await signIn(ids.op, "OPERATOR");
    expect([await statusAs(laptop), await statusAs(phone)]).toEqual([200, 200]);
    await getAuthOptions().events!.signOut!({ token: laptop, session: null as never });
    expect([await statusAs(laptop), await statusAs(phone)]).toEqual([401, 200]);
  });

  it("a token without a session row (forged by nobody, but from before sessions) is refused", async () => {
    expect(await statusAs({ sub: ids.op })).toBe(401);
    expect(await statusAs({ sub: ids.admin, sid: (await signIn(ids.op, "OPERATOR")).sid })).toBe(401);
  });

  it("a password change, a role change and disabling end the user's sessions", async () => {
    const admin = await signIn(ids.admin, "ADMIN");
    for (const change of [{ password: "a brand new password" }, { role: "ANALYST" }, { disabled: true }]) {
      const op = await signIn(ids.op, "OPERATOR");
      expect(await statusAs(op)).toBe(200);
      expect((await asAdmin(admin, () => patch(ids.op, change))).status).toBe(200);
      expect(await statusAs(op), JSON.stringify(change)).toBe(401);
    }
    expect(await statusAs(admin)).toBe(200);
    // A rename is not a reason to sign anyone out.
    await asAdmin(admin, () => patch(ids.op, { disabled: false }));
    const op = await signIn(ids.op, "OPERATOR");
    await asAdmin(admin, () => patch(ids.op, { name: "Renamed" }));
    expect(await statusAs(op)).toBe(200);
  });

  it("an admin ends all of a user's sessions (audited); other roles may not", async () => {
    const admin = await signIn(ids.admin, "ADMIN");
    const [a, b] = [await signIn(ids.op, "OPERATOR"), await signIn(ids.op, "OPERATOR")];
    current.token = a;
    expect((await endSessions(new NextRequest(`http://localhost/api/v1/users/${ids.admin}/sessions`, { method: "DELETE" }), ctx(ids.admin))).status).toBe(403);
    const res = await asAdmin(admin, () => endSessions(new NextRequest(`http://localhost/api/v1/users/${ids.op}/sessions`, { method: "DELETE" }), ctx(ids.op)));
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { ended: expect.any(Number) } });
    expect([await statusAs(a), await statusAs(b), await statusAs(admin)]).toEqual([401, 401, 200]);
    expect(await getPrisma().auditLog.count({ where: { action: "end_sessions", entityId: ids.op } })).toBe(1);
  });
});

describe("database down", () => {
  let saved = "";
  beforeAll(async () => {
    saved = process.env.DATABASE_URL!;
    await disconnectPrisma();
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/gone";
    resetEnvForTests();
  });
  afterAll(async () => {
    await disconnectPrisma();
    process.env.DATABASE_URL = saved;
    resetEnvForTests();
    expect(db.url()).toBe(saved);
  });

  it("a session route answers 503 with Retry-After and a plain message, not 401", async () => {
    current.token = { sub: ids.admin, sid: "any" };
    const res = await me(new NextRequest("http://localhost/api/v1/me"), ctx());
    const body = await res.json();
    expect({ status: res.status, retry: res.headers.get("retry-after"), code: body.error.code }).toEqual({ status: 503, retry: "2", code: "unavailable" });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|prisma|127\.0\.0\.1/i);
  });
});
