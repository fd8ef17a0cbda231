import { Redis } from "ioredis";
import pg from "pg";
import { migrateDeploy } from "@/lib/server/migrate";
import { ADMIN_URL, REDIS_URL, TEMPLATE_DB, adminQuery, urlFor } from "./databases";

/** Fails fast with a clear message when the services are missing, then builds the template database. */
export default async function setup() {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect().catch((e) => {
    throw new Error(`Integration tests need PostgreSQL at ${ADMIN_URL} (TEST_DATABASE_ADMIN_URL): ${e.message}`);
  });
  await client.end();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((e) => {
    throw new Error(`Integration tests need Redis at ${REDIS_URL} (TEST_REDIS_URL): ${e.message}`);
  });
  redis.disconnect();

  // Drop leftovers of interrupted runs, then migrate a fresh template.
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  const stale = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'vigil_test_%'");
  await c.end();
  for (const { datname } of stale.rows) await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${TEMPLATE_DB}`);
  await migrateDeploy(urlFor(TEMPLATE_DB));
  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  };
}
