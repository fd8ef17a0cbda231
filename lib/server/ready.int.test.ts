/** GET /api/ready: ready on a migrated database with its queue; not ready while a migration is pending or the database is gone. */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withTestDatabase } from "@/test/test-database";
import { withRouteQueues } from "@/test/route-requests";
import { resetEnvForTests } from "@/lib/env";
import { disconnectPrisma } from "@/lib/server/db";
import { MIGRATIONS_DIR, checkReady } from "@/lib/server/ready";
import { GET as ready } from "@/app/api/ready/route";

withTestDatabase();
withRouteQueues(["system"]);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("readiness", () => {
  it("is ready on a migrated database whose queue answers", async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: { ok: true }, queue: { ok: true }, migrations: { ok: true } });
  });

  it("is not ready while a migration this build ships is not applied, and names none of them", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vigil-migrations-"));
    dirs.push(dir);
    for (const m of readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) mkdirSync(path.join(dir, m.name));
    mkdirSync(path.join(dir, "20991231000000_from_the_future"));
    const report = await checkReady(dir);
    expect(report).toMatchObject({ ok: false, database: { ok: true }, migrations: { ok: false, pending: 1 } });
    expect(JSON.stringify(report)).not.toContain("future");
  });

  it("is not ready, with Retry-After, when the database is gone", async () => {
    const saved = process.env.DATABASE_URL!;
    await disconnectPrisma();
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/gone";
    resetEnvForTests();
    try {
      const res = await ready();
      expect({ status: res.status, retry: res.headers.get("retry-after") }).toEqual({ status: 503, retry: "5" });
      expect((await res.json()).migrations).toEqual({ ok: false, error: "database unavailable" });
    } finally {
      await disconnectPrisma();
      process.env.DATABASE_URL = saved;
      resetEnvForTests();
    }
  });
});
