import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { createTestDatabase } from "@/test/databases";

async function currentDatabase(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ db: string }>("SELECT current_database() AS db")).rows[0].db;
  } finally {
    await c.end();
  }
}

describe("database selection", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvForTests();
    vi.resetModules();
  });

  it("uses DATABASE_URL when it is set", async () => {
    const db = await createTestDatabase();
    try {
      process.env.DATABASE_URL = db.url;
      resetEnvForTests();
      const { prepareDatabase } = await import("@/lib/server/database");
      const prepared = await prepareDatabase();
      expect(prepared.embedded).toBe(false);
      expect(await currentDatabase(prepared.url)).toBe(db.name);
    } finally {
      await db.drop();
    }
  });

  it("starts an embedded PostgreSQL when DATABASE_URL is unset, keeps its data, and lets a second process share it", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "vigil-embedded-"));
    const port = 55_000 + Math.floor(Math.random() * 1000);
    try {
      delete process.env.DATABASE_URL;
      process.env.VIGIL_DATA_DIR = dataDir;
      process.env.VIGIL_EMBEDDED_PG_PORT = String(port);
      resetEnvForTests();
      const { startEmbeddedPostgres } = await import("@/lib/server/embedded-postgres");
      const { prepareDatabase } = await import("@/lib/server/database");
      const first = await prepareDatabase();
      expect(first.embedded).toBe(true);
      expect(first.url).toContain(`127.0.0.1:${port}/vigil`);
      expect(process.env.DATABASE_URL).toBe(first.url);

      const c = new pg.Client({ connectionString: first.url });
      await c.connect();
      await c.query("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
      await c.end();

      // Another process (here: another call) finds it running and does not own it.
      const second = await startEmbeddedPostgres({ dataDir, port });
      expect(second.owned).toBe(false);
      expect(second.url).toBe(first.url);

      await first.release();
      const restarted = await startEmbeddedPostgres({ dataDir, port });
      expect(restarted.owned).toBe(true);
      const c2 = new pg.Client({ connectionString: restarted.url });
      await c2.connect();
      expect((await c2.query("SELECT n FROM kept")).rows).toEqual([{ n: 42 }]);
      await c2.end();
      await restarted.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
