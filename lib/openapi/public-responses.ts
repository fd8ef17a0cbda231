/**
 * Answers of the public endpoints (health, readiness, first-run setup), as schemas for the OpenAPI
 * document. The report types themselves are lib/server/health.ts and lib/server/ready.ts
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
