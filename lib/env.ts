/**
 * Environment, parsed once with zod. A bad value stops the process with a message naming the
 * variable, instead of failing later somewhere far from the cause.
 */
import { isIP } from "node:net";
import { z } from "zod";

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(" or ")}`,
    });

/** Compose's `${X:-}` passes an empty string for an unset variable. */
const emptyAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  REDIS_URL: optionalUrl(["redis", "rediss"]),
  VIGIL_DATA_DIR: z.string().default(".data"),
  VIGIL_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  NEXTAUTH_URL: optionalUrl(["http", "https"]),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  VIGIL_ADMIN_EMAIL: z.email().optional(),
  VIGIL_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  VIGIL_QUEUE_PREFIX: z.string().regex(/^[a-z0-9_]+$/, "lowercase letters, digits and _ only").default("vigil"),
  /** Points per detection page (one transaction each). */
  VIGIL_DETECT_PAGE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /**
   * Jobs a worker process runs at once on the detect queue. A detect job is one (detector, shard)
   * (lib/pipeline/shard.ts) and mostly waits on PostgreSQL, so more than the 4 of the other queues
   * pays off; 8 measured well on a 2-CPU host (bench:pipeline).
   */
  VIGIL_DETECT_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  // Scorers a worker keeps in memory between runs (lib/pipeline/state-cache.ts); 0 turns the cache off.
  VIGIL_STATE_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
  /** Largest CSV upload in bytes (413 above). */
  VIGIL_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(1024 ** 3),
  /** Connections in each of a process's two PostgreSQL pools (Prisma's, and the bulk-write pool of lib/server/pg-pool.ts). */
  VIGIL_DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /** How long a worker holds a job before BullMQ treats it as stalled and hands it to another worker. */
  VIGIL_JOB_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Alert deliveries: first retry delay (doubling each attempt), attempts before giving up, and a send's claim on a delivery. */
  VIGIL_ALERT_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  VIGIL_ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  VIGIL_ALERT_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /** Notify jobs a worker runs at once: mostly waiting on receivers, so more than the CPU-bound queues. */
  VIGIL_NOTIFY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR ranges, IPv4 or
   * IPv6). Unset: the header is ignored and the socket's address is the client's.
   */
  VIGIL_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const entries = (v ?? "").split(",").map((e) => e.trim()).filter(Boolean);
      for (const e of entries) {
        const [address, bits] = e.split("/");
        const family = isIP(address);
        const max = family === 6 ? 128 : 32;
        if (!family || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
          ctx.addIssue({ code: "custom", message: `${JSON.stringify(e)} is not an IP address or CIDR range` });
        }
      }
      return entries;
    }),
  /** Interface the web server listens on: 127.0.0.1 unless set (the Docker image sets 0.0.0.0). */
  VIGIL_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Port of a worker's own metrics endpoint (GET /metrics); unset: the worker serves no metrics. */
  VIGIL_WORKER_METRICS_PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65535).optional()),
  /** When set, scrapes of /api/metrics and the worker's /metrics must send it as a bearer token. */
  VIGIL_METRICS_TOKEN: z.preprocess(emptyAsUnset, z.string().min(16, "must be at least 16 characters").optional()),
  /**
   * How long a stopping worker waits for the jobs in hand; then it exits anyway and those jobs are
   * retried elsewhere once their lock expires. Keep Kubernetes' terminationGracePeriodSeconds above it.
   */
  VIGIL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(25_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof ZEnv>;

/** Every variable parsed here (deployment manifests are checked against it). */
export const ENV_NAMES: readonly string[] = Object.keys(ZEnv.shape);

let cached: Env | undefined;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = ZEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change process.env between cases; they call this to re-read it. */
export function resetEnvForTests(): void {
  cached = undefined;
}
