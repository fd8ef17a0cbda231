import { Redis } from "ioredis";
import pg from "pg";
import { migrateDeploy } from "@/lib/server/migrate";
import { flushRun } from "./redis-keys";
import { ADMIN_URL, REDIS_URL, RUN_ID, TEMPLATE_DB, adminQuery, urlFor } from "./databases";

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

  // Drop leftovers of interrupted runs (older than two hours, so a concurrent run is left alone),
  // then migrate this run's template.
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  const all = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'vigil\\_test\\_%'");
  await c.end();
  const cutoff = Math.floor(Date.now() / 1000) - 2 * 3600;
  const stale = all.rows.filter(({ datname }) => {
    const started = Number(/^vigil_test_(\d{10})/.exec(datname)?.[1] ?? 0);
    return started < cutoff;
  });
  for (const { datname } of stale) await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${TEMPLATE_DB}`);
  await migrateDeploy(urlFor(TEMPLATE_DB));
  return async () => {
    const c2 = new pg.Client({ connectionString: ADMIN_URL });
    await c2.connect();
    const mine = await c2.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`vigil_test_${RUN_ID}_%`]);
    await c2.end();
    for (const { datname } of mine.rows) await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    // Keys of files that died before their own clean-up (test/redis-keys.ts).
    await flushRun();
  };
}
