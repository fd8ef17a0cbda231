/**
 * The end-to-end server: a fresh database (migrated, seeded through the data layer with one user
 * per role and the sample series), then the built web app and the worker, on Redis. Dropped on exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDeploy } from "@/lib/server/migrate";
import { createUser } from "@/lib/server/queries/users";
import { seedSampleSeries } from "@/lib/server/seed/sample-series";
import { disconnectPrisma } from "@/lib/server/db";
import { deleteKeys } from "@/test/redis-keys";
import { E2E_PASSWORD, E2E_PORT, E2E_USERS } from "./fixtures";

const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const dbName = `vigil_e2e_${randomBytes(4).toString("hex")}`;
const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function main() {
  await admin(`CREATE DATABASE ${dbName}`);
  await migrateDeploy(dbUrl);
  process.env.DATABASE_URL = dbUrl;
  for (const [role, u] of Object.entries(E2E_USERS)) {
    await createUser({ ...u, role: role as keyof typeof E2E_USERS, password: E2E_PASSWORD });
  }
  await seedSampleSeries(path.resolve("prisma/demo-data/nab"));
  await disconnectPrisma();

  const env = {
    ...process.env,
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    VIGIL_QUEUE_PREFIX: dbName,
    VIGIL_DATA_DIR: mkdtempSync(path.join(tmpdir(), "vigil-e2e-")),
    NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const children: ChildProcess[] = [
    spawn("node_modules/.bin/next", ["start", "-p", String(E2E_PORT), "-H", "127.0.0.1", "--keepAliveTimeout", "65000"], { stdio: "inherit", env }),
    spawn("node_modules/.bin/tsx", ["worker/index.ts"], { stdio: "inherit", env: { ...env, VIGIL_SERVICE: "worker" } }),
  ];
  const stop = async () => {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    // The queues' keys too: a run leaves nothing behind in the shared Redis.
    await deleteKeys(`${dbName}:*`, redisUrl).catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  for (const c of children) c.once("exit", (code) => code && void stop());
}

main().catch(async (e) => {
  console.error(e);
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  process.exit(1);
});
