/**
 * Personal API tokens end to end through the route handlers: created with the (mocked) session,
 * then used alone as `Authorization: Bearer` on real management routes.
 */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { routeContext, withRouteQueues } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { createSource } from "@/lib/server/queries/sources";
import { createSourceKey } from "@/lib/server/queries/api-keys";
import { createToken, markTokenUsed } from "@/lib/server/queries/api-tokens";
import * as mine from "@/app/api/v1/me/tokens/route";
import * as mineOne from "@/app/api/v1/me/tokens/[id]/route";
import * as all from "@/app/api/v1/tokens/route";
import * as allOne from "@/app/api/v1/tokens/[id]/route";
import * as sources from "@/app/api/v1/sources/route";
import * as detectors from "@/app/api/v1/detectors/route";
import * as ingest from "@/app/api/v1/ingest/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withRouteQueues(["poll", "detect"]);

const BASE = "http://vigil.test:3000/api/v1";
const session = (method: string, path: string, body?: unknown) =>
  new NextRequest(`${BASE}${path}`, { method, headers: { cookie: "next-auth.session-token=x", ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
/** No cookie, and an Origin a browser page on another site would send: a token request skips the CSRF check. */
const bearer = (token: string, method = "GET", path = "/sources", body?: unknown) =>
  new NextRequest(`${BASE}${path}`, { method, headers: { authorization: `Bearer ${token}`, origin: "https://elsewhere.example", ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
const pushSource = (name: string) => ({ name, kind: "HTTP_PUSH", config: {} });

async function createVia(body: unknown) {
  const res = await mine.POST(session("POST", "/me/tokens", body), routeContext());
  return { status: res.status, json: await res.json() };
}

describe("personal API tokens", () => {
  it("creates a scoped token once, uses it on management routes, 403 for a scope it lacks, 401 after revoke", async () => {
    const created = await createVia({ name: "terraform", scopes: ["sources:read", "sources:write"] });
    expect(created.status).toBe(201);
    const { token, id, prefix } = created.json;
    expect(token).toMatch(new RegExp(`^vglt_${prefix}_[0-9a-f]{64}$`));

    const listed = await (await mine.GET(session("GET", "/me/tokens"), routeContext())).json();
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(token.split("_")[2]);
    expect(listed.items[0]).toMatchObject({ id, name: "terraform", prefix, scopes: ["sources:read", "sources:write"], revokedAt: null });

    expect((await sources.GET(bearer(token), routeContext())).status).toBe(200);
    const post = await sources.POST(bearer(token, "POST", "/sources", pushSource("via-token")), routeContext());
    expect(post.status).toBe(201);
    expect(await getPrisma().auditLog.count({ where: { entity: "source", action: "create", userId: "admin" } })).toBe(1);

    const lacking = await detectors.GET(bearer(token, "GET", "/detectors"), routeContext());
    expect({ status: lacking.status, message: (await lacking.json()).error.message }).toEqual({ status: 403, message: "This API token lacks the scope detectors:read" });

    const minted = await mine.POST(bearer(token, "POST", "/me/tokens", { name: "wider" }), routeContext());
    expect(minted.status).toBe(403);

    const row = await getPrisma().userApiToken.findUniqueOrThrow({ where: { id } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.secretHash).not.toContain(token.split("_")[2]);

    expect((await mineOne.DELETE(session("DELETE", `/me/tokens/${id}`), routeContext(id))).status).toBe(200);
    const revoked = await sources.GET(bearer(token), routeContext());
    expect({ status: revoked.status, message: (await revoked.json()).error.message }).toEqual({ status: 401, message: `API token ${prefix} was revoked` });
    expect(await getPrisma().auditLog.count({ where: { entity: "api_token" } })).toBe(2);
  });

  it("refuses an expired, unknown or malformed token with 401 and says why", async () => {
    const { json } = await createVia({ name: "short", expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await sources.GET(bearer(json.token), routeContext())).status).toBe(200);
    await getPrisma().userApiToken.update({ where: { id: json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await sources.GET(bearer(json.token), routeContext());
    expect(expired.status).toBe(401);
    expect((await expired.json()).error.message).toMatch(/^API token [0-9a-f]{12} expired at /);
    const unknown = `vglt_${"a".repeat(12)}_${"b".repeat(64)}`;
    expect((await (await sources.GET(bearer(unknown), routeContext())).json()).error).toEqual({ code: "unauthorized", message: "Unknown API token" });
    expect((await sources.GET(bearer("garbage"), routeContext())).status).toBe(401);
  });

  it("names the field of a bad create: past expiry, a scope beyond the role, an unknown scope", async () => {
    const past = await createVia({ name: "x", expiresAt: "2000-01-01T00:00:00Z" });
    expect({ status: past.status, path: past.json.error.issues[0].path }).toEqual({ status: 422, path: "expiresAt" });
    const bogus = await createVia({ name: "x", scopes: ["sources:delete-everything"] });
    expect({ status: bogus.status, path: bogus.json.error.issues[0].path }).toEqual({ status: 422, path: "scopes.0" });
    await expect(createToken({ id: "admin", role: "OPERATOR" }, { name: "x", scopes: ["sources:write"] })).rejects.toMatchObject({ code: "unprocessable", issues: [{ path: "scopes" }] });
  });

  it("follows the owner's current role and disabled flag at once", async () => {
    await getPrisma().user.create({ data: { id: "ops", email: "ops@example.com", passwordHash: "-", role: "ADMIN" } });
    const { token } = await createToken({ id: "ops", role: "ADMIN" }, { name: "all" });
    expect((await sources.POST(bearer(token, "POST", "/sources", pushSource("ops-1")), routeContext())).status).toBe(201);
    await getPrisma().user.update({ where: { id: "ops" }, data: { role: "ANALYST" } });
    const demoted = await sources.POST(bearer(token, "POST", "/sources", pushSource("ops-2")), routeContext());
    expect({ status: demoted.status, message: (await demoted.json()).error.message }).toEqual({ status: 403, message: "Your role may not sources:write" });
    expect((await sources.GET(bearer(token), routeContext())).status).toBe(200);
    await getPrisma().user.update({ where: { id: "ops" }, data: { disabled: true } });
    expect((await sources.GET(bearer(token), routeContext())).status).toBe(401);
  });

  it("keeps push keys for ingest only, and user tokens out of ingest", async () => {
    const source = await createSource({ name: "pushed", kind: "HTTP_PUSH", config: {} }, null);
    const { key } = await createSourceKey(source.id, "agent", null);
    const asUser = await sources.GET(bearer(key), routeContext());
    expect({ status: asUser.status, message: (await asUser.json()).error.message }).toEqual({ status: 401, message: "This is a source push key; it is only accepted by POST /api/v1/ingest, not as an API token" });
    const push = (auth: string) =>
      ingest.POST(new NextRequest(`${BASE}/ingest`, { method: "POST", headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" }, body: JSON.stringify({ series: "cpu", points: [["2024-05-01T00:00:00Z", 1]] }) }));
    expect((await push(key)).status).toBeLessThan(300);
    const { token } = await createToken({ id: "admin", role: "ADMIN" }, { name: "not-a-push-key" });
    expect((await push(token)).status).toBe(401);
  });

  it("writes lastUsedAt at most once a minute, and only for a request that was allowed", async () => {
    const { token, id } = await createToken({ id: "admin", role: "ADMIN" }, { name: "busy", scopes: ["sources:read"] });
    const lastUsed = async () => (await getPrisma().userApiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect((await detectors.GET(bearer(token, "GET", "/detectors"), routeContext())).status).toBe(403);
    expect(await lastUsed()).toBeNull();
    expect((await sources.GET(bearer(token), routeContext())).status).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();

    const t0 = new Date("2030-01-01T00:00:00Z");
    await markTokenUsed(id, first, t0);
    await markTokenUsed(id, t0, new Date(t0.getTime() + 59_000));
    expect(await lastUsed()).toEqual(t0);
    await markTokenUsed(id, t0, new Date(t0.getTime() + 60_000));
    expect(await lastUsed()).toEqual(new Date(t0.getTime() + 60_000));
  });

  it("lets an admin list and revoke anyone's token; an owner cannot revoke another's", async () => {
    const other = await createToken({ id: "ops", role: "ANALYST" }, { name: "theirs" });
    const everyone = await (await all.GET(session("GET", "/tokens"), routeContext())).json();
    expect(everyone.items.map((t: { owner: { email: string } }) => t.owner.email)).toEqual(expect.arrayContaining(["ops@example.com", "admin@example.com"]));
    expect((await mineOne.DELETE(session("DELETE", `/me/tokens/${other.id}`), routeContext(other.id))).status).toBe(404);
    const res = await allOne.DELETE(session("DELETE", `/tokens/${other.id}`), routeContext(other.id));
    expect((await res.json()).revokedAt).not.toBeNull();
  });
});
