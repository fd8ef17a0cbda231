/**
 * What stops a start, said in one sentence: what is wrong and what to do. The launcher prints the
 * message of a StartError as it is (no stack); `explainStartError` turns the system errors a start
 * meets (EROFS, ENOSPC, EADDRINUSE, ...) into one.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";

export type StartErrorCode = "read-only" | "disk-full" | "port-taken" | "old-major" | "unreachable" | "failed";

export class StartError extends Error {
  constructor(
    readonly code: StartErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StartError";
  }
}

const READ_ONLY = new Set(["EROFS", "EACCES", "EPERM"]);
const DISK_FULL = new Set(["ENOSPC", "EDQUOT"]);

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function readOnlyError(dir: string, cause?: unknown): StartError {
  return new StartError(
    "read-only",
    `Vigil cannot write to ${dir}: it is read-only or not yours; run npm start from a clone you can write to, or point VIGIL_DATA_DIR at a writable folder.`,
    { cause },
  );
}

export function diskFullError(dir: string, cause?: unknown): StartError {
  return new StartError(
    "disk-full",
    `The disk holding ${dir} is full: free some space (a first start needs about 200 MB for the embedded database) and run npm start again.`,
    { cause },
  );
}

export function portTakenError(port: number, variable: string, cause?: unknown): StartError {
  const what = variable === "PORT" ? "the web app" : "the embedded PostgreSQL";
  return new StartError(
    "port-taken",
    `Port ${port} (for ${what}) is already used by another program: stop that program or start with ${variable}=<a free port> npm start.`,
    { cause },
  );
}

export function oldMajorError(clusterDir: string, found: string, wanted: string): StartError {
  return new StartError(
    "old-major",
    `The database in ${clusterDir} was made by PostgreSQL ${found} and this Vigil runs PostgreSQL ${wanted}: move that folder away to start afresh, or start the Vigil version that made it and export what you need (pg_dump) first.`,
  );
}

/**
 * mkdir -p that reports what stopped it: Node's recursive mkdir says ENOENT on a read-only file
 * system, so the missing levels are made one at a time below the deepest one that exists.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing) mkdirSync(d);
}

/** Classifies what went wrong while Vigil touched `dir` (a folder it writes, or the one a port belongs to). */
export function explainStartError(err: unknown, where: { dir?: string; port?: number; portVariable?: string } = {}): Error {
  if (err instanceof StartError) return err;
  const code = errnoCode(err);
  const e = err as { path?: string; syscall?: string } | null;
  // A program that could not be run (EACCES on spawn) says nothing about the folders Vigil writes.
  if (e?.syscall?.startsWith("spawn")) return err instanceof Error ? err : new Error(String(err));
  // A folder that could not be made: what refused is the one it was to be made in.
  const dir = e?.syscall === "mkdir" && e.path ? path.dirname(e.path) : (where.dir ?? e?.path ?? "the data folder");
  if (code && DISK_FULL.has(code)) return diskFullError(dir, err);
  if (code && READ_ONLY.has(code)) return readOnlyError(dir, err);
  if (code === "EADDRINUSE" && where.port) return portTakenError(where.port, where.portVariable ?? "PORT", err);
  return err instanceof Error ? err : new Error(String(err));
}

/** The same classification for what PostgreSQL (initdb, postgres) wrote to stderr before it stopped. */
export function explainPostgresOutput(output: string, where: { dir: string; port: number; portVariable: string }): StartError | undefined {
  if (/No space left on device|Disk quota exceeded/i.test(output)) return diskFullError(where.dir);
  if (/Read-only file system/i.test(output)) return readOnlyError(where.dir);
  if (/could not bind .*Address already in use|could not create any TCP\/IP sockets/i.test(output)) {
    return portTakenError(where.port, where.portVariable);
  }
  return undefined;
}

/** The last FATAL/ERROR line PostgreSQL printed, for a failure no sentence above covers. */
export function lastPostgresError(output: string): string | undefined {
  const lines = output.split("\n").filter((l) => /\b(FATAL|ERROR|PANIC)\b|^initdb: error/.test(l));
  return lines.at(-1)?.replace(/^.*?\b(FATAL|ERROR|PANIC):\s*/, "").trim();
}
