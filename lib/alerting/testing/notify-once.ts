/** Runs one notify job for ANOMALY_ID in its own process: the test kills it mid-send. */
import { notifyAnomaly } from "@/lib/alerting/notify";
import { disconnectPrisma } from "@/lib/server/db";

const anomalyId = process.env.ANOMALY_ID;
if (!anomalyId) throw new Error("ANOMALY_ID required");
const result = await notifyAnomaly(anomalyId, { retryLater: async () => undefined });
process.stdout.write(`${JSON.stringify(result)}\n`);
await disconnectPrisma();
