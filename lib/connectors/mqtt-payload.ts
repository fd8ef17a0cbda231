/**
 * One MQTT message -> one point. The payload is a plain number, or JSON: a number, or an object
 * whose `mapping.value` field holds the value (and `mapping.timestamp` the time; arrival time
 * otherwise). The metric is fixed, read from `mapping.series`, or the last topic segment; labels
 * may come from topic segments.
 */
import type { z } from "zod";
import type { IngestBatch } from "@/lib/ingest/batch";
import type { ZMqttConfig } from "@/lib/ingest/source-config";
import { getPath } from "@/lib/connectors/path";
import { numericValue } from "@/lib/connectors/records";

export type TMqttConfig = z.infer<typeof ZMqttConfig>;

export function addMqttMessage(batch: IngestBatch, config: TMqttConfig, topic: string, payload: Buffer | string, receivedAt: number): void {
  const { mapping } = config;
  const where = `topic ${topic}`;
  const text = payload.toString().trim();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: a plain value such as "21.5".
  }
  const segments = topic.split("/");
  let metric: unknown = mapping.metric ?? segments.at(-1);
  let ts: unknown = receivedAt;
  let value: unknown = body;
  if (body !== null && typeof body === "object") {
    value = getPath(body, mapping.value);
    if (mapping.timestamp) ts = getPath(body, mapping.timestamp) ?? receivedAt;
    if (mapping.series && !mapping.metric) metric = getPath(body, mapping.series);
  }
  if (!batch.checkMetric(`${where}: metric`, metric)) return;
  const labels: Record<string, string> = {};
  for (const [name, index] of Object.entries(mapping.topicLabels ?? {})) {
    if (segments[index]) labels[name] = segments[index];
  }
  const checked = batch.checkLabels(`${where}: labels`, labels);
  if (!checked) return;
  batch.add(metric, checked, numericValue(ts), numericValue(value), `${where}: ${mapping.timestamp ?? "timestamp"}`, `${where}: ${mapping.value}`);
}
