/**
 * Points this test file's process at a fresh database: sets DATABASE_URL, resets cached env and
 * the Prisma client, and drops the database afterwards.
 */
import { afterAll, beforeAll } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { disconnectPrisma } from "@/lib/server/db";
import { createTestDatabase } from "./databases";

export function withTestDatabase(): { url: () => string } {
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    resetEnvForTests();
    await disconnectPrisma();
  });
  afterAll(async () => {
    await disconnectPrisma();
    await db?.drop();
  });
  return { url: () => db!.url };
}
