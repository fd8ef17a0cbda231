/**
 * A small plain `pg` pool per process, next to Prisma's, for the big chunked writes (ingest) and
 * the detect runs' point reads (array rows, cheaper than Prisma's row mapping). TCP keepalive, so a
 * silently dropped connection errors out instead of holding a pooled client forever.
 * Prisma's debug module keeps the arguments of its last 100 calls even with DEBUG off, which for
 * arrays of points would hold hundreds of MB alive; plain pg keeps nothing once a query is done.
 * Created lazily from the same DATABASE_URL as `getPrisma()`; closed by `disconnectPrisma()`.
 */
import pg from "pg";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";

const globalForPg = globalThis as unknown as { vigilPgPool?: pg.Pool };

/** Waiting longer than this for a connection fails the write (as Prisma's transaction maxWait did). */
const CONNECT_TIMEOUT_MS = 10_000;

export function getPgPool(): pg.Pool {
  if (!globalForPg.vigilPgPool) {
    const url = process.env.DATABASE_URL ?? getEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: call prepareDatabase() before using the database");
    const pool = new pg.Pool({ connectionString: url, max: getEnv().VIGIL_DB_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    // An idle connection that dies (server restart) is dropped by the pool; without a listener the
    // error would crash the process.
    pool.on("error", (err) => logger.warn({ err }, "idle PostgreSQL connection lost"));
    // Every client keeps a listener of its own for its whole life: pg-pool removes its idle
    // listener before ending a client, and a server shutting down at that moment (Ctrl+C stops the
    // embedded database with everything else) would otherwise emit an unheard error and crash.
    pool.on("connect", (client) => {
      client.on("error", (err) => logger.debug({ err }, "PostgreSQL connection error"));
      // Named statements keep their parse, but are planned for each call's values: a generic plan
      // cached while a table was small (ingest before any detector is attached) stays in a
      // long-lived connection after the table grows; it made the write's redetect statement take
      // 15 s a call at 5,000 attached series until autovacuum's analyze (ingest 503 on a pool timeout).
      client.query("SET plan_cache_mode = force_custom_plan").catch((err) => logger.warn({ err }, "could not set plan_cache_mode"));
    });
    globalForPg.vigilPgPool = pool;
  }
  return globalForPg.vigilPgPool;
}

/**
 * Runs `fn` in one transaction on a pooled connection: COMMIT when it resolves, ROLLBACK when it
 * throws. The connection goes back to the pool, or is destroyed when it broke on the way.
 */
export async function withPgTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await getPgPool().connect();
  let broken: Error | undefined;
  // A checked-out client's socket error is ours to handle: unheard, it would crash the process.
  const onError = (err: Error) => {
    broken = err;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch((rollbackErr: Error) => {
      broken ??= rollbackErr;
    });
    throw err;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/** The bulk pool when it exists, without creating it (for metrics only). */
export function peekPgPool(): pg.Pool | undefined {
  return globalForPg.vigilPgPool;
}

export async function closePgPool(): Promise<void> {
  const pool = globalForPg.vigilPgPool;
  globalForPg.vigilPgPool = undefined;
  await pool?.end();
}
