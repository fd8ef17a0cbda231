/**
 * Runs the embedded PostgreSQL's own programs: initdb once, then postgres, as the user the
 * placement chose (root cannot run them). What they print is kept, so a failure becomes one
 * sentence (start-errors) instead of "exited with code 1".
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ClusterPlace } from "@/lib/server/pg-placement";
import { StartError, explainPostgresOutput, lastPostgresError } from "@/lib/server/start-errors";

export interface RunningCluster {
  stop(): Promise<void>;
}

const KEEP_OUTPUT = 64 * 1024;
const PORT_VARIABLE = "VIGIL_EMBEDDED_PG_PORT";

function spawnOptions(place: ClusterPlace): SpawnOptions {
  return {
    ...(place.runAs ?? {}),
    // libuv changes directory before it drops to runAs, so any folder will do; the cluster's parent is ours.
    cwd: path.dirname(place.clusterDir),
    env: { ...process.env, LC_MESSAGES: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  };
}

function collect(child: ChildProcess): () => string {
  let out = "";
  const add = (chunk: Buffer) => {
    out = (out + chunk.toString("utf8")).slice(-KEEP_OUTPUT);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => out;
}

function failure(what: string, output: string, place: ClusterPlace, port: number, cause?: unknown): StartError {
  const known = explainPostgresOutput(output, { dir: place.shownDir, port, portVariable: PORT_VARIABLE });
  if (known) return known;
  const line = lastPostgresError(output) ?? (cause instanceof Error ? cause.message : "it stopped without saying why");
  return new StartError("failed", `The embedded PostgreSQL could not ${what} in ${place.shownDir}: ${line}.`, { cause });
}

/** initdb into the (empty) cluster folder: UTF-8, the built-in C.UTF-8 locale (the same on every OS), SCRAM passwords. */
export async function initCluster(place: ClusterPlace, opts: { user: string; password: string; port: number }): Promise<void> {
  // initdb reads the password from a file, which must be readable by the user it runs as and nobody else.
  const pwfile = path.join(tmpdir(), `vigil-initdb-${randomBytes(6).toString("hex")}`);
  writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600, flag: "wx" });
  try {
    if (place.runAs) chownSync(pwfile, place.runAs.uid, place.runAs.gid);
    const child = spawn(
      path.join(place.binDir, "initdb"),
      [
        `--pgdata=${place.clusterDir}`,
        "--auth=scram-sha-256",
        `--username=${opts.user}`,
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--lc-messages=C",
      ],
      spawnOptions(place),
    );
    const output = collect(child);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (c) => resolve(c));
    }).catch((err: unknown) => {
      throw failure("be created", output(), place, opts.port, err);
    });
    if (code !== 0) throw failure("be created", output(), place, opts.port);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Starts postgres on 127.0.0.1:port (no Unix socket) and resolves once it accepts connections. */
export async function startCluster(place: ClusterPlace, port: number): Promise<RunningCluster> {
  const child = spawn(
    path.join(place.binDir, "postgres"),
    // No Unix socket: the system PostgreSQL may own the usual socket directory.
    ["-D", place.clusterDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    spawnOptions(place),
  );
  const output = collect(child);
  await new Promise<void>((resolve, reject) => {
    // collect() listens first, so output() already holds this chunk.
    const onData = () => {
      if (output().includes("database system is ready to accept connections")) {
        child.stderr?.off("data", onData);
        resolve();
      }
    };
    child.stderr?.on("data", onData);
    child.once("error", (err) => reject(failure("start", output(), place, port, err)));
    child.once("exit", () => reject(failure("start", output(), place, port)));
  });

  // A process that exits without stopping it (process.exit, an uncaught error) still asks it to shut down.
  const onExit = () => child.kill("SIGINT");
  process.once("exit", onExit);
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        process.off("exit", onExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT"); // "fast shutdown": ends sessions, writes a checkpoint
      })),
  };
}
