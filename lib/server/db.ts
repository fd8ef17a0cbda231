/**
 * Prisma client over the pg driver adapter (no native engine at run time). One per process.
 * Call `prepareDatabase()` first when DATABASE_URL may be unset (embedded mode).
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";
import { closePgPool } from "@/lib/server/pg-pool";

const globalForPrisma = globalThis as unknown as { vigilPrisma?: PrismaClient; vigilPrismaPool?: pg.Pool };

export function createPrismaClient(url: string): PrismaClient {
  // Our own pool (ended by $disconnect) so lib/metrics can report its use.
  const pool = new pg.Pool({ connectionString: url, max: getEnv().VIGIL_DB_POOL_SIZE });
  globalForPrisma.vigilPrismaPool = pool;
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}

/** The pool under the process's Prisma client, when one was created (for metrics only). */
export function peekPrismaPool(): pg.Pool | undefined {
  return globalForPrisma.vigilPrismaPool;
}

export function getPrisma(): PrismaClient {
  if (!globalForPrisma.vigilPrisma) {
    const url = process.env.DATABASE_URL ?? getEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: call prepareDatabase() before using the database");
    globalForPrisma.vigilPrisma = createPrismaClient(url);
  }
  return globalForPrisma.vigilPrisma;
}

/** Closes both of the process's database pools: Prisma's and the plain pg one ingest writes through. */
export async function disconnectPrisma(): Promise<void> {
  const client = globalForPrisma.vigilPrisma;
  globalForPrisma.vigilPrisma = undefined;
  globalForPrisma.vigilPrismaPool = undefined;
  await Promise.all([client?.$disconnect(), closePgPool()]);
}
