/**
 * Documented answers match real ones, for the account and administration routes: me, API tokens,
 * service accounts, users, audit log, every API key, the system ping (through a real worker). Real
 * handlers, a real database; each answer validated against the served document
 * (test/documented-responses.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { routeContext, withRouteQueues } from "@/test/route-requests";
import { documentedSchema, expectDocumented, provenOperations } from "@/test/documented-responses";
import { OPERATIONS } from "@/lib/openapi/operations";
import * as me from "@/app/api/v1/me/route";
import * as myTokens from "@/app/api/v1/me/tokens/route";
import * as myToken from "@/app/api/v1/me/tokens/[id]/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as token from "@/app/api/v1/tokens/[id]/route";
import * as accounts from "@/app/api/v1/service-accounts/route";
import * as account from "@/app/api/v1/service-accounts/[id]/route";
import * as accountTokens from "@/app/api/v1/service-accounts/[id]/tokens/route";
import * as users from "@/app/api/v1/users/route";
import * as user from "@/app/api/v1/users/[id]/route";
import * as sessions from "@/app/api/v1/users/[id]/sessions/route";
import * as audit from "@/app/api/v1/audit/route";
import * as apiKeys from "@/app/api/v1/api-keys/route";
import * as sources from "@/app/api/v1/sources/route";
import * as sourceKeys from "@/app/api/v1/sources/[id]/keys/route";
import * as ping from "@/app/api/v1/system/ping/route";
import pino from "pino";
import { getQueueBackend } from "@/lib/server/queue";
import { registerWorker } from "@/worker/register-worker";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withRouteQueues(["poll", "system"]);

const BASE = "http://vigil.test:3000/api/v1";
const req = (method: string, path: string, body?: unknown, auth?: string) =>
  new NextRequest(`${BASE}${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${auth}` } : { cookie: "next-auth.session-token=x" }), ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const V1 = "/api/v1";

describe("account and admin answers match their documented schemas", () => {
  it("me, with a session and with a token", async () => {
    await expectDocumented("GET", `${V1}/me`, await me.GET(req("GET", "/me"), routeContext()));
    const created = await expectDocumented("POST", `${V1}/me/tokens`, await myTokens.POST(req("POST", "/me/tokens", { name: "mine", scopes: ["overview:read"] }), routeContext()), 201);
    const viaToken = await expectDocumented("GET", `${V1}/me`, await me.GET(req("GET", "/me", undefined, created.token), routeContext()));
    expect(viaToken.user.scopes).toEqual(["overview:read"]);
    await expectDocumented("GET", `${V1}/me/tokens`, await myTokens.GET(req("GET", "/me/tokens"), routeContext()));
    await expectDocumented("DELETE", `${V1}/me/tokens/{id}`, await myToken.DELETE(req("DELETE", `/me/tokens/${created.id}`), routeContext(created.id)));
  });

  it("service accounts and every token", async () => {
    const sa = (await expectDocumented("POST", `${V1}/service-accounts`, await accounts.POST(req("POST", "/service-accounts", { handle: "ci-bot", role: "OPERATOR" }), routeContext()), 201));
    await expectDocumented("PATCH", `${V1}/service-accounts/{id}`, await account.PATCH(req("PATCH", `/service-accounts/${sa.id}`, { name: "CI" }), routeContext(sa.id)));
    const issued = await expectDocumented("POST", `${V1}/service-accounts/{id}/tokens`, await accountTokens.POST(req("POST", `/service-accounts/${sa.id}/tokens`, { name: "t" }), routeContext(sa.id)), 201);
    await expectDocumented("GET", `${V1}/service-accounts/{id}/tokens`, await accountTokens.GET(req("GET", `/service-accounts/${sa.id}/tokens`), routeContext(sa.id)));
    const list = await expectDocumented("GET", `${V1}/service-accounts`, await accounts.GET(req("GET", "/service-accounts"), routeContext()));
    expect(list.items[0]).toMatchObject({ name: "CI", activeTokens: 1 });
    const all = await expectDocumented("GET", `${V1}/tokens`, await tokens.GET(req("GET", "/tokens"), routeContext()));
    expect(all.items.length).toBe(2);
    await expectDocumented("DELETE", `${V1}/tokens/{id}`, await token.DELETE(req("DELETE", `/tokens/${issued.id}`), routeContext(issued.id)));
  });

  it("users, sessions, the audit log and every API key", async () => {
    const created = await expectDocumented("POST", `${V1}/users`, await users.POST(req("POST", "/users", { email: "op@example.com", password: "a long password 1", role: "OPERATOR" }), routeContext()), 201);
    expect(created).toMatchObject({ email: "op@example.com", role: "OPERATOR" });
    const renamed = await expectDocumented("PATCH", `${V1}/users/{id}`, await user.PATCH(req("PATCH", `/users/${created.id}`, { name: "Op" }), routeContext(created.id)));
    expect(renamed.name).toBe("Op");
    const people = await expectDocumented("GET", `${V1}/users`, await users.GET(req("GET", "/users"), routeContext()));
    expect(people.items.map((u: { email: string }) => u.email)).toContain("op@example.com");
    await expectDocumented("DELETE", `${V1}/users/{id}/sessions`, await sessions.DELETE(req("DELETE", `/users/${created.id}/sessions`), routeContext(created.id)));

    const source = (await (await sources.POST(req("POST", "/sources", { name: "s", kind: "HTTP_PUSH", config: {} }), routeContext())).json());
    await sourceKeys.POST(req("POST", `/sources/${source.id}/keys`, { name: "k" }), routeContext(source.id));
    const keys = await expectDocumented("GET", `${V1}/api-keys`, await apiKeys.GET(req("GET", "/api-keys?limit=5"), routeContext()));
    expect(keys.items.length).toBe(1);
    const log = await expectDocumented("GET", `${V1}/audit`, await audit.GET(req("GET", "/audit?limit=3"), routeContext()));
    expect(log.items.length).toBe(3);
    expect(log.nextCursor).toEqual(expect.any(String));
  });

  it("list filters take repeated keys as arrays, documented as such; a single-valued key refuses a repeat", async () => {
    const both = await expectDocumented("GET", `${V1}/audit`, await audit.GET(req("GET", "/audit?entity=service_account&entity=user&limit=200"), routeContext()));
    expect(new Set(both.items.map((i: { entity: string }) => i.entity))).toEqual(new Set(["service_account", "user"]));
    const s2 = (await (await sources.POST(req("POST", "/sources", { name: "s2", kind: "HTTP_PUSH", config: {} }), routeContext())).json());
    const s3 = (await (await sources.POST(req("POST", "/sources", { name: "s3", kind: "HTTP_PUSH", config: {} }), routeContext())).json());
    for (const s of [s2, s3]) await sourceKeys.POST(req("POST", `/sources/${s.id}/keys`, { name: `k-${s.name}` }), routeContext(s.id));
    const keys = await expectDocumented("GET", `${V1}/api-keys`, await apiKeys.GET(req("GET", `/api-keys?sourceId=${s2.id}&sourceId=${s3.id}`), routeContext()));
    expect(keys.items.map((k: { name: string }) => k.name).sort()).toEqual(["k-s2", "k-s3"]);
    const twice = await apiKeys.GET(req("GET", "/api-keys?revoked=true&revoked=false"), routeContext());
    expect({ status: twice.status, path: (await twice.json()).error.issues[0].path }).toEqual({ status: 422, path: "revoked" });

    const doc = await (await (await import("@/app/api/v1/openapi.json/route")).GET()).json();
    const param = (path: string, name: string) => doc.paths[path].get.parameters.find((p: { name: string }) => p.name === name);
    expect(param(`${V1}/audit`, "entity")).toMatchObject({ schema: { type: "array" }, style: "form", explode: true });
    expect(param(`${V1}/api-keys`, "sourceId")).toMatchObject({ schema: { type: "array" }, style: "form", explode: true });
    expect(param(`${V1}/series`, "sourceId")).toMatchObject({ schema: { type: "array" }, style: "form", explode: true });
  });

  it("a ping goes through the queue to a worker and back", async () => {
    const worker = registerWorker(await getQueueBackend(), "system", pino({ level: "silent" }));
    try {
      await worker.waitUntilReady();
      const pong = await expectDocumented("POST", `${V1}/system/ping`, await ping.POST(req("POST", "/system/ping"), routeContext()));
      expect(pong).toMatchObject({ ok: true, backend: "redis", worker: { pong: true, worker: expect.stringContaining(`:${process.pid}`) } });
    } finally {
      await worker.close();
    }
  });

  it("a missing or renamed field fails the documented schema", async () => {
    const body = await (await tokens.GET(req("GET", "/tokens"), routeContext())).json();
    const validate = await documentedSchema("GET", `${V1}/tokens`, 200);
    expect(validate(body)).toBe(true);
    const { lastUsedAt, ...rest } = body.items[0];
    expect(validate({ ...body, items: [rest] })).toBe(false);
    expect(validate({ ...body, items: [{ ...rest, lastUsed: lastUsedAt }] })).toBe(false);
    expect(validate({ tokens: body.items })).toBe(false);
  });

  it("covered every operation of these areas that declares a response", () => {
    const area = /^\/api\/v1\/(me|tokens|service-accounts|users|audit|api-keys|system)(\/|$)/;
    const declared = OPERATIONS.filter((o) => o.response && area.test(o.path)).map((o) => `${o.method} ${o.path}`);
    expect(declared.filter((o) => !provenOperations().has(o))).toEqual([]);
  });
});
