/**
 * Audit rows written before source URL passwords were masked: the mask_audit_source_passwords
 * migration masks them in place with the rule the app uses (lib/sources/secrets.ts maskUrl), in a
 * create's `config` and an update's `config` and `before.config`, and leaves everything else alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/databases";
import { maskSourceConfig, maskUrl } from "@/lib/sources/secrets";

const dir = path.resolve("prisma/migrations");
const migrations = readdirSync(dir).filter((d) => /^\d{14}_/.test(d)).sort();
const MASKING = migrations.find((m) => m.endsWith("_mask_audit_source_passwords"))!;

// What old rows can hold: passwords in every URL field, odd characters, no password, already masked.
const URLS = [
  "https://ops:s3cret@metrics.example.com/api",
  "mqtt://vigil:p%40ss:word@broker:1883",
  "AMQP://Guest:guest@rabbit:5672/vhost",
  "nats://user:pa ss@nats-1:4222",
  "http://only-user@host/x",
  "http://user:@host/x",
  "https://host/path?u=a:b@c",
  "amqp://u:***@rabbit",
  "not a url: x:y@z",
];

describe("masking passwords in old source audit rows", () => {
  it("masks them as the app does, in config and before.config, once, and nothing else", async () => {
    expect(MASKING).toBeDefined();
    const db = await createTestDatabase({ empty: true });
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const apply = (m: string) => c.query(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
      for (const m of migrations.filter((m) => m < MASKING)) await apply(m);

      const configs = URLS.map((url, i) => ({ url, baseUrl: URLS[(i + 1) % URLS.length], brokerUrl: URLS[(i + 2) % URLS.length], servers: URLS[(i + 3) % URLS.length], topic: "a:b@c" }));
      const rows = [
        ...configs.map((config) => ({ entity: "source", details: { name: "s", kind: "HTTP_POLL", config } })),
        ...configs.map((config, i) => ({ entity: "source", details: { config, before: { config: configs[(i + 4) % configs.length], name: "old" }, name: "new" } })),
        // Not a URL field, not a string, not a source, no config: untouched.
        { entity: "source", details: { config: { url: 42, headers: { Authorization: "https://a:b@c" }, servers: ["nats://a:b@c"] } } },
        { entity: "channel", details: { config: { url: "https://hook:secret@example.com/x" } } },
        { entity: "source", details: { name: "deleted", kind: "HTTP_PUSH" } },
        { entity: "source", details: "just text" },
      ];
      for (const r of rows) await c.query(`INSERT INTO "AuditLog" (action, entity, details) VALUES ('update', $1, $2::jsonb)`, [r.entity, JSON.stringify(r.details)]);

      await apply(MASKING);
      const read = async () => (await c.query<{ details: unknown }>(`SELECT details FROM "AuditLog" ORDER BY id`)).rows.map((r) => r.details);
      const after = await read();
      const expected = rows.map((r) => {
        if (r.entity !== "source" || typeof r.details !== "object" || !("config" in r.details)) return r.details;
        const d = r.details as { config: unknown; before?: { config: unknown } };
        return { ...d, config: maskSourceConfig(d.config), ...(d.before ? { before: { ...d.before, config: maskSourceConfig(d.before.config) } } : {}) };
      });
      expect(after).toEqual(expected);
      // The SQL rule is the app's rule, URL by URL (and does mask: no typed password is left).
      expect(after[0]).toMatchObject({ config: { url: "https://ops:***@metrics.example.com/api" } });
      for (const [i, url] of URLS.entries()) expect((after[i] as { config: { url: string } }).config.url).toBe(maskUrl(url));
      expect(JSON.stringify(after)).not.toMatch(/s3cret|p%40ss|:guest@|pa ss/);
      expect(after.at(-3)).toEqual({ config: { url: "https://hook:secret@example.com/x" } });

      // Running it again changes nothing.
      await apply(MASKING);
      expect(await read()).toEqual(after);
    } finally {
      await c.end();
      await db.drop();
    }
  });
});
