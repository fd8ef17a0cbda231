/**
 * "Test connection" for a source config: a real fetch or subscription, bounded in time, answered
 * as a sample of what would be ingested or a precise error. Nothing is written.
 */
import { parseSourceConfig, type TSourceKind } from "@/lib/ingest/source-config";
import { ConnectorError, TEST_TIMEOUT_MS } from "@/lib/connectors/errors";
import { fetchHttpPoll, type THttpPollConfig } from "@/lib/connectors/http-poll";
import { fetchPrometheus, pollWindow, type TPrometheusConfig } from "@/lib/connectors/prometheus";
import { sampleMqtt } from "@/lib/connectors/mqtt-sample";
import { sampleNats } from "@/lib/connectors/nats-sample";
import { sampleAmqp } from "@/lib/connectors/amqp-sample";
import { redactUrl } from "@/lib/connectors/errors";
import type { TAmqpConfig, TMqttConfig, TNatsConfig } from "@/lib/connectors/message-payload";
import { assertBatchValid } from "@/lib/connectors/records";
import { sampleOf, type SourceSample } from "@/lib/connectors/sample";

export type SourceTestResult =
  | { ok: true; sample: SourceSample; message?: string }
  | { ok: true; sample: null; message: string }
  | { ok: false; error: string };

/** Validates `config` for `kind` (ZodError with `config.*` paths), then tests it. */
export async function testSourceConfig(kind: TSourceKind, rawConfig: unknown): Promise<SourceTestResult> {
  const config = parseSourceConfig(kind, rawConfig);
  try {
    switch (kind) {
      case "HTTP_PUSH":
        return { ok: true, sample: null, message: "Push sources receive points at POST /api/v1/ingest with a source API key; there is nothing to fetch." };
      case "CSV_UPLOAD":
        return { ok: true, sample: null, message: "CSV sources receive files at POST /api/v1/sources/{id}/upload; there is nothing to fetch." };
      case "HTTP_POLL": {
        const batch = await fetchHttpPoll(config as THttpPollConfig, TEST_TIMEOUT_MS);
        return { ok: true, sample: sampleOf(batch.series.values()) };
      }
      case "PROMETHEUS": {
        const c = config as TPrometheusConfig;
        const r = await fetchPrometheus(c, pollWindow(c, null), TEST_TIMEOUT_MS);
        if (r.batch.points === 0) {
          return { ok: false, error: `query ${c.query} returned no samples from ${c.baseUrl} in the last hour${r.skippedNonFinite ? ` (${r.skippedNonFinite} NaN/Inf skipped)` : ""}` };
        }
        const skipped = r.skippedNonFinite ? `${r.skippedNonFinite} NaN/Inf samples skipped` : undefined;
        return { ok: true, sample: sampleOf(r.batch.series.values()), ...(skipped ? { message: skipped } : {}) };
      }
      case "MQTT": {
        const c = config as TMqttConfig;
        const batch = await sampleMqtt(c);
        assertBatchValid(batch, `${c.brokerUrl} topic ${c.topic}`);
        return { ok: true, sample: sampleOf(batch.series.values()) };
      }
      case "NATS": {
        const c = config as TNatsConfig;
        const batch = await sampleNats(c);
        assertBatchValid(batch, `${redactUrl(c.servers)} stream ${c.stream}`);
        return { ok: true, sample: sampleOf(batch.series.values()) };
      }
      case "AMQP": {
        const c = config as TAmqpConfig;
        const batch = await sampleAmqp(c);
        assertBatchValid(batch, `${redactUrl(c.url)} queue ${c.queue}`);
        return { ok: true, sample: sampleOf(batch.series.values()) };
      }
    }
  } catch (err) {
    if (err instanceof ConnectorError) return { ok: false, error: err.message };
    throw err;
  }
}
