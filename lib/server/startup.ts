/** Web start-up: choose the database (embedded if unconfigured), the auth secret, the first admin. */
import { logger } from "@/lib/logger";
import { prepareDatabase } from "@/lib/server/database";
import { bootstrapAdminFromEnv } from "@/lib/server/bootstrap";
import { getAuthSecret } from "@/lib/server/secrets";
import { stampPeerAddresses } from "@/lib/server/peer-address";

export async function startWebServer(): Promise<void> {
  stampPeerAddresses();
  const db = await prepareDatabase((m) => logger.info(m));
  getAuthSecret();
  if (await bootstrapAdminFromEnv()) logger.info("created the first admin from VIGIL_ADMIN_EMAIL");
  const release = () => void db.release();
  process.once("SIGTERM", release);
  process.once("SIGINT", release);
}
