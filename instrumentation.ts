/** Runs once when the web server starts: choose the database (embedded if unconfigured), bootstrap the admin. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareDatabase } = await import("@/lib/server/database");
  const { bootstrapAdminFromEnv } = await import("@/lib/server/bootstrap");
  const { getAuthSecret } = await import("@/lib/server/secrets");
  const { logger } = await import("@/lib/logger");
  const db = await prepareDatabase((m) => logger.info(m));
  getAuthSecret();
  if (await bootstrapAdminFromEnv()) logger.info("created the first admin from VIGIL_ADMIN_EMAIL");
  const release = () => void db.release();
  process.once("SIGTERM", release);
  process.once("SIGINT", release);
}
