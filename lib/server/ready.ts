/**
 * Readiness, stricter than health: the database and the queue answer (checkHealth) and every
 * migration shipped with this build (prisma/migrations) is applied. A web pod of a new release
 * whose migration Job has not finished is alive but not ready. Public, so it names no migration;
 * the pending ones are logged.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { getPrisma } from "@/lib/server/db";
import { logger } from "@/lib/logger";
import { checkHealth, type HealthReport } from "@/lib/server/health";

export interface ReadyReport extends HealthReport {
  migrations: { ok: boolean; pending?: number; error?: string };
}

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

async function checkMigrations(dir: string): Promise<ReadyReport["migrations"]> {
  const shipped = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  let applied: Set<string>;
  try {
    const rows = await getPrisma().$queryRaw<{ name: string }[]>`
      SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = new Set(rows.map((r) => r.name));
  } catch (err) {
    logger.warn({ err }, "ready: migrations table unreadable");
    return { ok: false, error: "migrations not applied yet" };
  }
  const pending = shipped.filter((m) => !applied.has(m));
  if (pending.length) logger.warn({ pending }, "ready: migrations pending");
  return pending.length ? { ok: false, pending: pending.length } : { ok: true };
}

export async function checkReady(migrationsDir = MIGRATIONS_DIR): Promise<ReadyReport> {
  const health = await checkHealth();
  const migrations = health.database.ok ? await checkMigrations(migrationsDir) : { ok: false, error: "database unavailable" };
  return { ...health, ok: health.ok && migrations.ok, migrations };
}
