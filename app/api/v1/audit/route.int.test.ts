/**
 * GET /api/v1/audit and GET /api/v1/api-keys against a real PostgreSQL (session mocked as an
 * admin): keyset pages cover every row once, newest first; filters by entity, entity id, user and
 * revocation; revoking through the source route shows in both; bad cursors are 422s naming the field.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { createSource, updateSource } from "@/lib/server/queries/sources";
import { createSourceKey, revokeSourceKey } from "@/lib/server/queries/api-keys";
import type { ApiKeyItem, AuditItem, Page } from "@/lib/admin/schemas";
import { GET as getAudit } from "@/app/api/v1/audit/route";
import { GET as getKeys } from "@/app/api/v1/api-keys/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withSignedInUser("admin");

let sourceA = "";
const keyIds: string[] = [];

beforeAll(async () => {
  await getPrisma().user.create({ data: { id: "other", email: "other@example.com", passwordHash: "-", role: "ADMIN" } });
  sourceA = (await createSource({ name: "a", kind: "HTTP_PUSH", config: {} }, "admin")).id;
  const sourceB = (await createSource({ name: "b", kind: "HTTP_PUSH", config: {} }, "other")).id;
  for (let i = 0; i < 7; i++) keyIds.push((await createSourceKey(i % 2 ? sourceB : sourceA, `key ${i}`, i % 2 ? "other" : "admin")).id);
  await revokeSourceKey(sourceA, keyIds[0], "admin");
  await updateSource(sourceB, { name: "b2" }, "other");
});

async function call<T>(handler: typeof getAudit, path: string, params: Record<string, string>) {
  const res = await handler(new NextRequest(`http://localhost${path}?${new URLSearchParams(params)}`), { params: Promise.resolve({}) });
  return { status: res.status, body: (await res.json()) as T & { error?: { issues: { path: string }[] } } };
}

async function walk<T extends { id: string }>(handler: typeof getAudit, path: string, params: Record<string, string>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string> = cursor ? { ...params, cursor } : params;
    const { status, body }: { status: number; body: Page<T> } = await call<Page<T>>(handler, path, query);
    expect(status).toBe(200);
    ids.push(...body.items.map((x) => x.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

describe("GET /api/v1/audit", () => {
  it("pages every row once, newest first, with who and what", async () => {
    const all = await getPrisma().auditLog.findMany({ orderBy: { id: "desc" }, select: { id: true } });
    expect(all.length).toBe(11); // 2 sources, 7 keys, 1 revocation, 1 rename
    expect(await walk<AuditItem>(getAudit, "/api/v1/audit", { limit: "3" })).toEqual(all.map((r) => r.id.toString()));
    const [renamed, first] = (await call<Page<AuditItem>>(getAudit, "/api/v1/audit", { limit: "2" })).body.items;
    expect(renamed).toMatchObject({ action: "update", entity: "source", user: { email: "other@example.com" }, details: { name: "b2", before: { name: "b" } } });
    expect(first).toMatchObject({ action: "revoke", entity: "api_key", entityId: keyIds[0], user: { email: "admin@example.com" } });
  });

  it("filters by entity, entity id and user", async () => {
    expect(await walk<AuditItem>(getAudit, "/api/v1/audit", { entity: "source", limit: "1" })).toHaveLength(3);
    const byUser = (await call<Page<AuditItem>>(getAudit, "/api/v1/audit", { userId: "other", limit: "50" })).body.items;
    expect(byUser.map((a) => a.user?.email)).toEqual(Array(5).fill("other@example.com"));
    const oneKey = (await call<Page<AuditItem>>(getAudit, "/api/v1/audit", { entityId: keyIds[0] })).body.items;
    expect(oneKey.map((a) => a.action)).toEqual(["revoke", "create"]);
  });

  it("refuses a bad cursor or entity naming the field", async () => {
    const bad = await call(getAudit, "/api/v1/audit", { cursor: "abc" });
    expect(bad.status).toBe(422);
    expect(bad.body.error!.issues[0].path).toBe("cursor");
    // Repeatable: the issue names the field and which of its values ("entity.0").
    expect((await call(getAudit, "/api/v1/audit", { entity: "x y" })).body.error!.issues[0].path).toMatch(/^entity(\.0)?$/);
    // Alerting's entities have hyphens.
    expect((await call(getAudit, "/api/v1/audit", { entity: "alert-rule" })).status).toBe(200);
  });
});

describe("GET /api/v1/api-keys", () => {
  it("pages every key once, newest first, with its source, creator and revocation", async () => {
    const ids = await walk<ApiKeyItem>(getKeys, "/api/v1/api-keys", { limit: "2" });
    expect(ids).toEqual([...keyIds].reverse());
    const { body } = await call<Page<ApiKeyItem>>(getKeys, "/api/v1/api-keys", { revoked: "true" });
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ id: keyIds[0], name: "key 0", source: { id: sourceA, name: "a" }, createdBy: "admin@example.com", lastUsedAt: null });
    expect(body.items[0].revokedAt).not.toBeNull();
    expect(JSON.stringify(body)).not.toMatch(/secretHash/);
    expect((await call<Page<ApiKeyItem>>(getKeys, "/api/v1/api-keys", { revoked: "false", limit: "50" })).body.items).toHaveLength(6);
  });

  it("refuses a forged cursor with 422", async () => {
    const bad = await call(getKeys, "/api/v1/api-keys", { cursor: "bm9wZQ" });
    expect(bad.status).toBe(422);
    expect(bad.body.error!.issues[0].path).toBe("cursor");
  });
});
