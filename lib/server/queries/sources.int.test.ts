import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { AppError } from "@/lib/server/api/errors";
import { ZCreateSource } from "@/lib/ingest/source-config";
import { createSource, deleteSource, getSource, listSources, updateSource } from "@/lib/server/queries/sources";
import { authenticateIngestKey, createSourceKey, listSourceKeys, revokeSourceKey } from "@/lib/server/queries/api-keys";

withTestDatabase();

const audits = (entity: string, entityId: string) => getPrisma().auditLog.findMany({ where: { entity, entityId }, orderBy: { id: "asc" } });

function issuePaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ZodError) return e.issues.map((i) => i.path.join("."));
    throw e;
  }
  throw new Error("expected a ZodError");
}

describe("source config", () => {
  it("is checked per kind, naming the field", () => {
    expect(issuePaths(() => ZCreateSource.parse({ name: "p", kind: "HTTP_POLL", config: { url: "ftp://x", format: "xml", mapping: { value: "v" }, interval: 1 } }))).toEqual(
      expect.arrayContaining(["config.url", "config.format", "config.mapping.timestamp", "config.interval"]),
    );
    expect(issuePaths(() => ZCreateSource.parse({ name: "m", kind: "MQTT", config: { brokerUrl: "mqtt://b:1883", topic: "a/#/b", mapping: { value: "v" } } }))).toEqual(["config.topic"]);
    expect(issuePaths(() => ZCreateSource.parse({ name: "q", kind: "PROMETHEUS", config: { baseUrl: "http://prom:9090", query: "", step: 15, interval: 60 } }))).toEqual(["config.query"]);
    expect(issuePaths(() => ZCreateSource.parse({ name: "h", kind: "HTTP_PUSH", config: { url: "http://x" } }))).toEqual(["config"]);
    expect(issuePaths(() => ZCreateSource.parse({ name: "h", kind: "SMOKE_SIGNALS" }))).toEqual(["kind"]);
  });
});

describe("sources", () => {
  it("never show or audit a URL's password; a masked URL sent back keeps it, a changed one must retype it", async () => {
    const body = ZCreateSource.parse({ name: "rabbit", kind: "AMQP", config: { url: "amqp://ops:hunter2@rabbit:5672/prod", queue: "metrics", mapping: { value: "v" } } });
    const s = await createSource(body, null);
    expect(s.config).toMatchObject({ url: "amqp://ops:***@rabbit:5672/prod" });
    expect((await getSource(s.id)).config).toMatchObject({ url: "amqp://ops:***@rabbit:5672/prod" });
    expect((await listSources()).find((x) => x.id === s.id)!.config).toMatchObject({ url: "amqp://ops:***@rabbit:5672/prod" });
    const stored = async () => ((await getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id } })).config as { url: string; queue: string }).url;

    // The form sends back what it was shown: the stored password stays.
    await updateSource(s.id, { config: { url: "amqp://ops:***@rabbit:5672/prod", queue: "metrics2", mapping: { value: "v" } } }, null);
    expect(await stored()).toBe("amqp://ops:hunter2@rabbit:5672/prod");
    // Another host with the hidden password: refused, nothing changed.
    const moved = await updateSource(s.id, { config: { url: "amqp://ops:***@elsewhere:5672/prod", queue: "m", mapping: { value: "v" } } }, null).catch((e: AppError) => e);
    expect(moved).toBeInstanceOf(AppError);
    expect((moved as AppError).issues).toEqual([{ path: "config.url", message: "the password is hidden (***): type it again to change this URL" }]);
    expect(await stored()).toBe("amqp://ops:hunter2@rabbit:5672/prod");
    // A new password typed in full replaces it.
    await updateSource(s.id, { config: { url: "amqp://ops:n3w@elsewhere:5672/prod", queue: "m", mapping: { value: "v" } } }, null);
    expect(await stored()).toBe("amqp://ops:n3w@elsewhere:5672/prod");
    expect(JSON.stringify((await audits("source", s.id)).map((a) => a.details))).not.toMatch(/hunter2|n3w/);
    await deleteSource(s.id, null);
  });

  it("are created, read, updated and deleted, each change audited", async () => {
    const body = ZCreateSource.parse({ name: "prom", kind: "PROMETHEUS", config: { baseUrl: "http://prom:9090", query: "up", step: 15, interval: 60 } });
    const s = await createSource(body, null);
    expect(s).toMatchObject({ name: "prom", kind: "PROMETHEUS", scheduleSeconds: 60, status: "ACTIVE" });
    expect((await listSources()).map((x) => x.name)).toEqual(["prom"]);

    const u = await updateSource(s.id, { status: "PAUSED", config: { baseUrl: "http://prom:9090", query: "up", step: 30, interval: 120 } }, null);
    expect(u).toMatchObject({ status: "PAUSED", scheduleSeconds: 120, config: { step: 30 } });
    await expect(updateSource(s.id, { config: { baseUrl: "nope" } }, null)).rejects.toBeInstanceOf(ZodError);
    expect((await getSource(s.id)).scheduleSeconds).toBe(120);

    await deleteSource(s.id, null);
    await expect(getSource(s.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await audits("source", s.id)).map((a) => a.action)).toEqual(["create", "update", "delete"]);
  });

  it("refuse a duplicate name with a conflict", async () => {
    await createSource({ name: "dup", kind: "HTTP_PUSH", config: {} }, null);
    await expect(createSource({ name: "dup", kind: "CSV_UPLOAD", config: {} }, null)).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("source keys", () => {
  it("are shown once, stored hashed, listed without secrets, and stop working when revoked", async () => {
    const s = await createSource({ name: "push", kind: "HTTP_PUSH", config: {} }, null);
    const k = await createSourceKey(s.id, "collector", null);
    expect(k.key).toMatch(/^vgl_[0-9a-f]{12}_[0-9a-f]{64}$/);
    const row = await getPrisma().apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(k.key).not.toContain(row.secretHash);
    expect(k.key.endsWith(row.secretHash)).toBe(false);

    const listed = await listSourceKeys(s.id);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(k.key.split("_")[2]);
    expect(listed[0]).not.toHaveProperty("secretHash");

    expect(await authenticateIngestKey(k.key)).toMatchObject({ keyId: k.id, source: { id: s.id, kind: "HTTP_PUSH" } });
    expect(await authenticateIngestKey(k.key.replace(/.$/, (c) => (c === "0" ? "1" : "0")))).toBeNull();

    const revoked = await revokeSourceKey(s.id, k.id, null);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await revokeSourceKey(s.id, k.id, null)).revokedAt).toEqual(revoked.revokedAt);
    expect(await authenticateIngestKey(k.key)).toBeNull();
    expect((await audits("api_key", k.id)).map((a) => a.action)).toEqual(["create", "revoke"]);
  });

  it("answer not found for another source's key or a missing source", async () => {
    const a = await createSource({ name: "a", kind: "HTTP_PUSH", config: {} }, null);
    const b = await createSource({ name: "b", kind: "HTTP_PUSH", config: {} }, null);
    const k = await createSourceKey(a.id, "k", null);
    await expect(revokeSourceKey(b.id, k.id, null)).rejects.toBeInstanceOf(AppError);
    await expect(createSourceKey("missing", "k", null)).rejects.toMatchObject({ code: "not_found" });
  });
});
