/**
 * Answers of the public endpoints (health, readiness, first-run setup) and of the system ping, as
 * schemas for the OpenAPI document. The report types themselves are lib/server/health.ts and lib/server/ready.ts
 * (server-only); these mirror them and lib/openapi/responses-public.int.test.ts proves they agree.
 */
import { z } from "zod";

const check = z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() });

export const ZHealthReport = z.object({
  ok: z.boolean(),
  database: check,
  queue: check.extend({ backend: z.string().optional() }),
});

export const ZReadyReport = ZHealthReport.extend({
  migrations: z.object({ ok: z.boolean(), pending: z.number().int().optional(), error: z.string().optional() }),
});

export const ZSetupDone = z.object({ ok: z.literal(true) });

/** POST /api/v1/system/ping: a worker answered through the queue (worker/handlers/system.ts handlePing). */
export const ZPingAnswer = z.object({
  ok: z.literal(true),
  backend: z.enum(["redis", "postgres"]),
  jobId: z.string(),
  roundTripMs: z.number(),
  worker: z.object({ pong: z.literal(true), requestId: z.string(), worker: z.string(), latencyMs: z.number() }),
});

/** GET /api/v1/openapi.json: this document (lib/openapi/document.ts), its parts described one level deep. */
export const ZOpenApiDocumentAnswer = z.object({
  openapi: z.literal("3.1.0"),
  info: z.object({ title: z.string(), version: z.string(), description: z.string() }),
  servers: z.array(z.object({ url: z.string() })),
  paths: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))),
  components: z.object({ schemas: z.record(z.string(), z.record(z.string(), z.unknown())), securitySchemes: z.record(z.string(), z.record(z.string(), z.unknown())) }),
});
