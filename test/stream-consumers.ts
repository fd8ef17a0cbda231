/** Shared by the broker integration tests: a consumer in a child process (to SIGKILL) and point counts. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { getPrisma } from "@/lib/server/db";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Starts test/stream-consumer-process.ts against `databaseUrl`; resolves once its consumers run. */
export async function startConsumerProcess(databaseUrl: string, kind: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "test/stream-consumer-process.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, STREAM_KIND: kind, VIGIL_DB_POOL_SIZE: "2", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("started") && resolve());
    child.once("exit", (code) => reject(new Error(`consumer process exited (${code}): ${stderr}`)));
  });
  return child;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Points of the source: how many, and the sum of their values (a lost or changed point shows in either). */
export async function pointStats(sourceId: string): Promise<{ n: number; sum: number }> {
  const rows = await getPrisma().$queryRaw<{ n: number; sum: number | null }[]>`
    SELECT count(*)::int AS n, sum(p.value)::float8 AS sum FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey" WHERE s."sourceId" = ${sourceId}`;
  return { n: rows[0].n, sum: rows[0].sum ?? 0 };
}
