import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/databases";

const run = promisify(execFile);

describe("migrations", () => {
  it("match schema.prisma exactly (no drift; the shadow database is made from an empty one)", async () => {
    const shadow = await createTestDatabase({ empty: true });
    try {
      const result = await run(
        "node_modules/.bin/prisma",
        ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", "prisma/schema.prisma", "--exit-code"],
        { env: { ...process.env, PRISMA_MIGRATE_WASM: "1", DATABASE_URL: shadow.url } },
      ).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
      expect(result.out).toContain("No difference detected");
      expect(result.code).toBe(0);
    } finally {
      await shadow.drop();
    }
  });
});
