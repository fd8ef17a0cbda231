/**
 * Demo seed: accounts and sample data. Safe to run again: it adds what is missing and changes
 * nothing that exists. Each capability adds its own demo objects here.
 */
import path from "node:path";
import { getEnv } from "@/lib/env";
import { prepareDatabase } from "@/lib/server/database";
import { disconnectPrisma } from "@/lib/server/db";
import { seedDemoAccounts } from "@/lib/server/seed/accounts";
import { seedDemoDetector } from "@/lib/server/seed/detectors";
import { seedSampleSeries } from "@/lib/server/seed/sample-series";
import { seedLiveSource } from "@/lib/server/seed/live-source";
import { seedDemoTriage } from "@/lib/server/seed/triage";
import { seedGroupedDetector } from "@/lib/server/seed/grouped-detector";

export async function seed(log: (line: string) => void = console.log) {
  const { accounts, credentialsFile } = await seedDemoAccounts(getEnv().VIGIL_DATA_DIR);
  const created = accounts.filter((a) => a.password);
  if (created.length) {
    log("Demo accounts created (passwords are shown once; also saved in " + credentialsFile + "):");
    for (const a of created) log(`  ${a.role.padEnd(8)} ${a.email}  password: ${a.password}`);
  } else if (accounts.length) {
    log(`Demo accounts already exist (${accounts.map((a) => a.email).join(", ")}); passwords: ${credentialsFile}`);
  }
  const samples = await seedSampleSeries(path.resolve(import.meta.dirname, "demo-data/nab"));
  log(`Sample series: ${samples.series} (${samples.points} new points)`);
  const demo = await seedDemoDetector();
  log(`Demo detector attached to ${demo.attached} new series; the worker scores what arrives later`);
  const triage = await seedDemoTriage(demo.detectorId);
  if (triage) log(`Demo queue: ${triage.anomalies} anomalies, ${triage.acknowledged} acknowledged, ${triage.assigned} assigned, ${triage.resolved} resolved`);
  const live = await seedLiveSource(getEnv().VIGIL_DATA_DIR);
  log(`Live demo source "Demo live": ${live.points} history points${live.keyCreated ? ", new push key saved to the data folder" : ""}`);
  const grouped = await seedGroupedDetector();
  if (grouped) log(`Grouped demo detector: ${grouped.groups} group (the live hosts' cpu as one vector per step)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const db = await prepareDatabase();
  try {
    await seed();
  } finally {
    await disconnectPrisma();
    await db.release();
  }
}
