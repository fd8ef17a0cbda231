/**
 * Bench scaffolding: a scratch database on the local PostgreSQL, a private Redis key prefix, real
 * worker processes, and a clean-up that removes all three.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { adminQuery, urlFor } from "../../../test/databases";
import { migrateDeploy } from "../../../lib/server/migrate";

export interface Scratch {
  /** The scratch database's name. */
  name: string;
  url: string;
  redisUrl: string;
  prefix: string;
  /** Removes the database (unless `keepDatabase`) and the Redis keys. */
  drop(opts?: { keepDatabase?: boolean }): Promise<void>;
}

export async function createScratch(redisUrl: string): Promise<Scratch> {
  const tag = randomBytes(4).toString("hex");
  const name = `vigil_bench_${tag}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  await migrateDeploy(url);
  const prefix = `benchpipe${tag}`;
  return {
    name,
    url,
    redisUrl,
    prefix,
    async drop({ keepDatabase = false } = {}) {
      if (!keepDatabase) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      const redis = new Redis(redisUrl);
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
      redis.disconnect();
    },
  };
}

export interface BenchWorker {
  proc: ChildProcess;
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** `metricsPort`: serve the worker's metrics there (the latency run reads its counters). */
export function startBenchWorker(s: Scratch, metricsPort?: number): BenchWorker {
  let out = "";
  const metrics = metricsPort ? { VIGIL_WORKER_METRICS_PORT: String(metricsPort) } : {};
  const proc = spawn("node_modules/.bin/tsx", ["worker/index.ts"], {
    env: { ...process.env, DATABASE_URL: s.url, REDIS_URL: s.redisUrl, VIGIL_QUEUE_PREFIX: s.prefix, LOG_LEVEL: "info", VIGIL_DEMO: "0", ...metrics },
    detached: true,
  });
  proc.stdout!.on("data", (d) => (out = (out + d).slice(-20_000)));
  proc.stderr!.on("data", (d) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const t = setInterval(() => out.includes("worker ready") && (clearInterval(t), resolve()), 50);
    proc.once("exit", (code) => (clearInterval(t), reject(new Error(`worker exited with ${code}: ${out.slice(-2000)}`))));
  });
  ready.catch(() => undefined);
  return {
    proc,
    ready,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      process.kill(-proc.pid!, "SIGTERM");
      await exited;
    },
  };
}

export async function query<T extends pg.QueryResultRow>(client: pg.Client, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
