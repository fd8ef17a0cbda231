/** Shared by the broker integration tests: a consumer in a child process (to SIGKILL) and point counts. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { getPrisma } from "@/lib/server/db";

const ROOT = path.resolve(import.meta.dirname, "..");

const running = new Set<ChildProcess>();
/** How long a consumer process may take to start its consumers. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts test/stream-consumer-process.ts against `databaseUrl`; resolves once its consumers run.
 * The child is node itself with tsx's loader (not the tsx command, which runs the script in a
 * grandchild that a SIGKILL of the command leaves running), and it has an IPC channel to this
 * process: it exits when the channel closes, so it never outlives the test worker, even one killed
 * hard. A child that does not start in time is killed; `stopConsumerProcesses` (every kill test's
 * afterAll) kills any still running when a test fails before its own kill.
 */
export async function startConsumerProcess(databaseUrl: string, kind: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "test/stream-consumer-process.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, STREAM_KIND: kind, VIGIL_DB_POOL_SIZE: "2", ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => d.toString().includes("started") && resolve());
      child.once("exit", (code, signal) => reject(new Error(`consumer process exited (${code ?? signal}): ${stderr}`)));
      timer = setTimeout(() => reject(new Error(`consumer process did not start in ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    });
  } catch (err) {
    await killHard(child);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return child;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Kills every consumer process this test file started that is still running. */
export async function stopConsumerProcesses(): Promise<void> {
  await Promise.all([...running].map(killHard));
}

/** Points of the source: how many, and the sum of their values (a lost or changed point shows in either). */
export async function pointStats(sourceId: string): Promise<{ n: number; sum: number }> {
  const rows = await getPrisma().$queryRaw<{ n: number; sum: number | null }[]>`
    SELECT count(*)::int AS n, sum(p.value)::float8 AS sum FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey" WHERE s."sourceId" = ${sourceId}`;
  return { n: rows[0].n, sum: rows[0].sum ?? 0 };
}
