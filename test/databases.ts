/**
 * Each integration test file gets its own fresh database, cloned from a template that global
 * setup migrates once (cloning takes milliseconds; migrating takes seconds).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/**
 * One id per test run (set by global setup, inherited by the workers), so concurrent runs on the
 * same server never touch each other's databases: names are vigil_test_<run>_<rest>.
 */
export const RUN_ID = (process.env.VIGIL_TEST_RUN ??= `${Math.floor(Date.now() / 1000)}${randomBytes(2).toString("hex")}`);
export const TEMPLATE_DB = `vigil_test_${RUN_ID}_template`;
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function urlFor(database: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh migrated database, or an empty one with `{ empty: true }`. */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `vigil_test_${RUN_ID}_${randomBytes(4).toString("hex")}`;
  await adminQuery(opts.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  return {
    name,
    url: urlFor(name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
