/**
 * Starts the live demo generator in the worker when the launcher seeded the demo (VIGIL_DEMO=1).
 * It pushes to VIGIL_DEMO_INGEST_URL (the launcher sets it to its own web app).
 */
import { getEnv } from "@/lib/env";
import { startDemoRunner, type DemoRunner, type DemoRunnerOptions } from "@/lib/demo/runner";
import { demoKeyFile, findLiveSourceLatest } from "@/lib/server/seed/live-source";

export function startDemoFromEnv(log: DemoRunnerOptions["log"]): DemoRunner | undefined {
  if (process.env.VIGIL_DEMO !== "1") return undefined;
  const ingestUrl = process.env.VIGIL_DEMO_INGEST_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/api/v1/ingest`;
  try {
    return startDemoRunner({ ingestUrl, keyFile: demoKeyFile(getEnv().VIGIL_DATA_DIR), latest: findLiveSourceLatest, log });
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, "demo generator not started (run the seed first)");
    return undefined;
  }
}
