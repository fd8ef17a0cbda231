/**
 * Prometheus: one range query (`/api/v1/query_range`) per poll. Each result series becomes a
 * Vigil series (`__name__` -> metric, other labels -> labels); values arrive as
 * [unixSeconds, "string"], and NaN/±Inf samples are skipped and counted, never stored.
 */
import type { z } from "zod";
import { IngestBatch } from "@/lib/ingest/batch";
import type { ZPrometheusConfig } from "@/lib/ingest/source-config";
import { ConnectorError } from "@/lib/connectors/errors";
import { fetchText } from "@/lib/connectors/fetch";
import { assertBatchValid } from "@/lib/connectors/records";

export type TPrometheusConfig = z.infer<typeof ZPrometheusConfig>;

/** Prometheus refuses ranges above 11,000 steps; stay below and catch up over several polls. */
export const MAX_STEPS = 10_000;
/** Without history, the first poll reads this far back. */
export const INITIAL_LOOKBACK_MS = 3_600_000;

export interface PrometheusResult {
  batch: IngestBatch;
  skippedNonFinite: number;
  start: Date;
  end: Date;
}

interface MatrixSeries {
  metric?: Record<string, string>;
  values?: [number, string][];
}

export function queryRangeUrl(config: TPrometheusConfig, start: Date, end: Date): string {
  const u = new URL("api/v1/query_range", config.baseUrl.endsWith("/") ? config.baseUrl : `${config.baseUrl}/`);
  u.searchParams.set("query", config.query);
  u.searchParams.set("start", (start.getTime() / 1000).toFixed(3));
  u.searchParams.set("end", (end.getTime() / 1000).toFixed(3));
  u.searchParams.set("step", String(config.step));
  return u.toString();
}

/**
 * The window of the next poll: from the last stored point minus an overlap (writes are idempotent,
 * so re-reading the overlap is safe and catches late samples), at most MAX_STEPS steps long.
 */
export function pollWindow(config: TPrometheusConfig, lastPointAt: Date | null, now = new Date()): { start: Date; end: Date } {
  const stepMs = config.step * 1000;
  const overlapMs = Math.max(5 * stepMs, 60_000);
  const start = lastPointAt ? new Date(lastPointAt.getTime() - overlapMs) : new Date(now.getTime() - INITIAL_LOOKBACK_MS);
  const end = new Date(Math.min(now.getTime(), start.getTime() + MAX_STEPS * stepMs));
  return { start, end };
}

export function parseQueryRange(text: string, url: string): { batch: IngestBatch; skippedNonFinite: number } {
  let body: { status?: string; error?: string; errorType?: string; data?: { resultType?: string; result?: MatrixSeries[] } };
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new ConnectorError(`response from ${url} is not valid JSON: ${(e as Error).message}`);
  }
  if (body.status !== "success") throw new ConnectorError(`Prometheus error from ${url}: ${body.errorType ?? "error"}: ${body.error ?? "unknown"}`);
  if (!body.data || !Array.isArray(body.data.result)) throw new ConnectorError(`JSON path data.result missing in the response from ${url}`);
  if (body.data.resultType !== "matrix") throw new ConnectorError(`expected a matrix result from ${url}, got ${body.data.resultType}`);
  const batch = new IngestBatch();
  let skippedNonFinite = 0;
  body.data.result.forEach((s, i) => {
    const { __name__: name, ...labels } = s.metric ?? {};
    // An expression without a metric name (rate(), sums) is named after the query's result index.
    const metric = name ?? "value";
    if (!batch.checkMetric(`data.result[${i}].metric.__name__`, metric)) return;
    const checked = batch.checkLabels(`data.result[${i}].metric`, labels);
    if (!checked) return;
    (s.values ?? []).forEach(([ts, raw], j) => {
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        skippedNonFinite++;
        return;
      }
      batch.add(metric, checked, ts, value, `data.result[${i}].values[${j}][0]`, `data.result[${i}].values[${j}][1]`);
    });
  });
  assertBatchValid(batch, url, true);
  return { batch, skippedNonFinite };
}

export async function fetchPrometheus(config: TPrometheusConfig, window: { start: Date; end: Date }, timeoutMs: number): Promise<PrometheusResult> {
  const url = queryRangeUrl(config, window.start, window.end);
  const { text } = await fetchText(url, timeoutMs, "application/json");
  return { ...parseQueryRange(text, url), ...window };
}
