/**
 * Service accounts through the route handlers: an admin (mocked session) creates one, issues a
 * token, a script uses it alone as `Authorization: Bearer`; disabling stops it at once; it never
 * signs in, is no person in the users list or among assignees, and every change is audited.
 */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { routeContext, withRouteQueues } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { authorizeCredentials } from "@/lib/auth/options";
import { PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";
import * as accounts from "@/app/api/v1/service-accounts/route";
import * as account from "@/app/api/v1/service-accounts/[id]/route";
import * as accountTokens from "@/app/api/v1/service-accounts/[id]/tokens/route";
import * as allTokens from "@/app/api/v1/tokens/route";
import * as oneToken from "@/app/api/v1/tokens/[id]/route";
import * as users from "@/app/api/v1/users/route";
import * as user from "@/app/api/v1/users/[id]/route";
import * as assignees from "@/app/api/v1/anomalies/assignees/route";
import * as sources from "@/app/api/v1/sources/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withRouteQueues(["poll"]);

const BASE = "http://vigil.test:3000/api/v1";
const session = (method: string, path: string, body?: unknown) =>
  new NextRequest(`${BASE}${path}`, { method, headers: { cookie: "next-auth.session-token=x", ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
const bearer = (token: string, method = "GET", path = "/sources", body?: unknown) =>
  new NextRequest(`${BASE}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
const json = async (res: Response) => ({ status: res.status, body: await res.json() });

async function createAccount(handle: string, role = "ADMIN") {
  return json(await accounts.POST(session("POST", "/service-accounts", { handle, role }), routeContext()));
}
async function issue(id: string, body: unknown = { name: "deploy" }) {
  return json(await accountTokens.POST(session("POST", `/service-accounts/${id}/tokens`, body), routeContext(id)));
}

describe("service accounts", () => {
  it("are created by an admin, act through an issued token, and stop at once when disabled", async () => {
    const created = await createAccount("ci-deploy");
    expect(created.status).toBe(201);
    const sa = created.body;
    expect(sa).toMatchObject({ email: "ci-deploy@service-accounts.invalid", name: "ci-deploy", role: "ADMIN", disabled: false, activeTokens: 0, lastUsedAt: null });

    const issued = await issue(sa.id, { name: "terraform", scopes: ["sources:read", "sources:write"] });
    expect(issued.status).toBe(201);
    const { token, id: tokenId } = issued.body;
    expect(issued.body.owner).toEqual({ id: sa.id, email: sa.email, name: "ci-deploy", serviceAccount: true });

    const made = await sources.POST(bearer(token, "POST", "/sources", { name: "from-ci", kind: "HTTP_PUSH", config: {} }), routeContext());
    expect(made.status).toBe(201);
    expect(await getPrisma().auditLog.count({ where: { entity: "source", action: "create", userId: sa.id } })).toBe(1);

    const listed = (await json(await accounts.GET(session("GET", "/service-accounts"), routeContext()))).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: sa.id, activeTokens: 1, lastUsedAt: expect.any(String) })]);
    const everyToken = (await json(await allTokens.GET(session("GET", "/tokens"), routeContext()))).body.items;
    expect(everyToken.find((t: { id: string }) => t.id === tokenId).owner.serviceAccount).toBe(true);

    const disabled = await json(await account.PATCH(session("PATCH", `/service-accounts/${sa.id}`, { disabled: true }), routeContext(sa.id)));
    expect(disabled.body.disabled).toBe(true);
    const refused = await json(await sources.GET(bearer(token), routeContext()));
    expect(refused).toEqual({ status: 401, body: { error: { code: "unauthorized", message: "This API token's service account is disabled" } } });
    expect((await issue(sa.id)).status).toBe(409);

    await account.PATCH(session("PATCH", `/service-accounts/${sa.id}`, { disabled: false }), routeContext(sa.id));
    expect((await sources.GET(bearer(token), routeContext())).status).toBe(200);
    await oneToken.DELETE(session("DELETE", `/tokens/${tokenId}`), routeContext(tokenId));
    expect((await sources.GET(bearer(token), routeContext())).status).toBe(401);

    const audit = await getPrisma().auditLog.findMany({ where: { entity: { in: ["service_account", "api_token"] } }, orderBy: { id: "asc" }, select: { action: true, entity: true, userId: true } });
    expect(audit).toEqual([
      { action: "create", entity: "service_account", userId: "admin" },
      { action: "create", entity: "api_token", userId: "admin" },
      { action: "update", entity: "service_account", userId: "admin" },
      { action: "update", entity: "service_account", userId: "admin" },
      { action: "revoke", entity: "api_token", userId: "admin" },
    ]);
  });

  it("take their permissions from the role in the permission table", async () => {
    const sa = (await createAccount("reader", "OPERATOR")).body;
    const beyond = await issue(sa.id, { name: "x", scopes: ["sources:write"] });
    expect({ status: beyond.status, path: beyond.body.error.issues[0].path }).toEqual({ status: 422, path: "scopes" });
    const { token } = (await issue(sa.id)).body;
    expect((await sources.GET(bearer(token), routeContext())).status).toBe(200);
    const write = await json(await sources.POST(bearer(token, "POST", "/sources", { name: "nope", kind: "HTTP_PUSH", config: {} }), routeContext()));
    expect(write).toMatchObject({ status: 403, body: { error: { message: "Your role may not sources:write" } } });
    // A token cannot issue tokens, even an admin service account's.
    const admin = (await createAccount("root-bot")).body;
    const adminToken = (await issue(admin.id)).body.token;
    expect((await accountTokens.POST(bearer(adminToken, "POST", `/service-accounts/${admin.id}/tokens`, { name: "more" }), routeContext(admin.id))).status).toBe(403);
  });

  it("cannot sign in, are not people, and name what is wrong in a bad request", async () => {
    const sa = (await createAccount("no-login", "ADMIN")).body;
    expect(await authorizeCredentials({ email: sa.email, password: "any password at all" }, { [PEER_ADDRESS_HEADER]: "10.0.0.9" })).toBeNull();
    const people = (await json(await users.GET(session("GET", "/users"), routeContext()))).body.items;
    expect(people.map((u: { email: string }) => u.email)).not.toContain(sa.email);
    const pick = (await json(await assignees.GET(session("GET", "/anomalies/assignees"), routeContext()))).body.items;
    expect(pick.map((u: { email: string }) => u.email)).not.toContain(sa.email);
    expect((await user.PATCH(session("PATCH", `/users/${sa.id}`, { password: "a new long password" }), routeContext(sa.id))).status).toBe(404);

    const taken = await createAccount("no-login");
    expect(taken).toEqual({ status: 409, body: { error: { code: "conflict", message: "A service account no-login already exists" } } });
    const bad = await createAccount("-x");
    expect({ status: bad.status, path: bad.body.error.issues[0].path }).toEqual({ status: 422, path: "handle" });
    const noSuch = await json(await account.PATCH(session("PATCH", "/service-accounts/nonexistent", { disabled: true }), routeContext("nonexistent")));
    expect(noSuch).toEqual({ status: 404, body: { error: { code: "not_found", message: "No service account nonexistent" } } });
    const personId = "admin";
    expect((await account.PATCH(session("PATCH", `/service-accounts/${personId}`, { role: "OPERATOR" }), routeContext(personId))).status).toBe(404);
  });
});
