/**
 * The one place that decides which PostgreSQL Vigil uses: DATABASE_URL when set, otherwise the
 * embedded server. Web, worker, seed and scripts all call `prepareDatabase()` before anything else;
 * it exports the chosen URL as DATABASE_URL so child processes and Prisma follow the same choice.
 */
import { getEnv, resetEnvForTests } from "@/lib/env";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/server/embedded-postgres";

export interface PreparedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  release(): Promise<void>;
}

let prepared: Promise<PreparedDatabase> | undefined;

export function prepareDatabase(log?: (m: string) => void): Promise<PreparedDatabase> {
  prepared ??= (async () => {
    const env = getEnv();
    if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, release: async () => undefined };
    const db: EmbeddedDatabase = await startEmbeddedPostgres({
      dataDir: env.VIGIL_DATA_DIR,
      port: env.VIGIL_EMBEDDED_PG_PORT,
      log,
    });
    process.env.DATABASE_URL = db.url;
    process.env.VIGIL_EMBEDDED_DATABASE = "1";
    resetEnvForTests();
    return { url: db.url, embedded: true, release: db.stop };
  })();
  return prepared;
}

/** Redacts the password for logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
