/**
 * One poll of a pulled source (HTTP_POLL or PROMETHEUS): fetch, validate as ingest does, write in
 * one transaction, ring the detection doorbell, and record the source's health. A failure marks
 * the source ERROR with the message and is rethrown, so the queue retries with backoff.
 */
import { writeBatch } from "@/lib/ingest/write";
import { countSourceError } from "@/lib/metrics/record";
import { afterPointsWritten } from "@/lib/ingest/after-write";
import { fetchHttpPoll, type THttpPollConfig } from "@/lib/connectors/http-poll";
import { fetchPrometheus, pollWindow, type TPrometheusConfig } from "@/lib/connectors/prometheus";
import { dropUnchangedPoints, findSourceForPoll, lastPointAt, markSourceHealth } from "@/lib/connectors/queries";
import { parseSourceConfig } from "@/lib/ingest/source-config";
import type { IngestBatch } from "@/lib/ingest/batch";

export const POLL_TIMEOUT_MS = 30_000;

export type PollResult =
  | { status: "skipped"; reason: string }
  /** `accepted` counts new or changed points; unchanged ones are not rewritten. */
  | { status: "ok"; accepted: number; series: number; skippedNonFinite?: number };

async function fetchBatch(kind: "HTTP_POLL" | "PROMETHEUS", sourceId: string, config: Record<string, unknown>) {
  if (kind === "HTTP_POLL") return { batch: await fetchHttpPoll(config as THttpPollConfig, POLL_TIMEOUT_MS) };
  const c = config as TPrometheusConfig;
  const r = await fetchPrometheus(c, pollWindow(c, await lastPointAt(sourceId)), POLL_TIMEOUT_MS);
  return { batch: r.batch, skippedNonFinite: r.skippedNonFinite };
}

export async function pollSource(sourceId: string): Promise<PollResult> {
  const source = await findSourceForPoll(sourceId);
  if (!source) return { status: "skipped", reason: "source deleted" };
  if (source.status === "PAUSED") return { status: "skipped", reason: "source paused" };
  if (source.kind !== "HTTP_POLL" && source.kind !== "PROMETHEUS") return { status: "skipped", reason: `${source.kind} sources are not polled` };
  let batch: IngestBatch;
  let skippedNonFinite: number | undefined;
  try {
    const config = parseSourceConfig(source.kind, source.config);
    ({ batch, skippedNonFinite } = await fetchBatch(source.kind, sourceId, config));
  } catch (err) {
    countSourceError(source.kind, "poll");
    await markSourceHealth(sourceId, err instanceof Error ? err.message : String(err));
    throw err;
  }
  let accepted = 0;
  let series = 0;
  const changed = batch.points > 0 ? await dropUnchangedPoints(sourceId, [...batch.series.values()]) : [];
  if (changed.length > 0) {
    const result = await writeBatch(sourceId, null, changed);
    await afterPointsWritten(result.changedSeriesIds);
    ({ accepted, series } = result);
  }
  await markSourceHealth(sourceId, null);
  return { status: "ok", accepted, series, ...(skippedNonFinite ? { skippedNonFinite } : {}) };
}
