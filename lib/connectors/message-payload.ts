/**
 * One broker message (MQTT, NATS JetStream, AMQP) -> one point. The payload is a plain number, or
 * JSON: a number, or an object whose `mapping.value` field holds the value (and `mapping.timestamp`
 * the time; arrival time otherwise). The metric is fixed, read from `mapping.series`, or the last
 * segment of the topic (MQTT, `/`-separated), subject or routing key (`.`-separated); labels may
 * come from those segments.
 */
import type { z } from "zod";
import type { IngestBatch } from "@/lib/ingest/batch";
import type { ZAmqpConfig, ZMqttConfig, ZNatsConfig } from "@/lib/ingest/source-config";
import { getPath } from "@/lib/connectors/path";
import { numericValue } from "@/lib/connectors/records";

export type TMqttConfig = z.infer<typeof ZMqttConfig>;
export type TNatsConfig = z.infer<typeof ZNatsConfig>;
export type TAmqpConfig = z.infer<typeof ZAmqpConfig>;
export type TMessageMapping = TMqttConfig["mapping"];

/** Where a message came from: `topic` for MQTT, `subject` for NATS, `routing key` for AMQP. */
export interface MessageOrigin {
  what: "topic" | "subject" | "routing key";
  name: string;
  separator: "/" | ".";
}

/** Adds the message's point to `batch`; returns false (and leaves an issue in the batch) for a bad message. */
export function addMessage(batch: IngestBatch, mapping: TMessageMapping, origin: MessageOrigin, payload: Uint8Array | string, receivedAt: number): boolean {
  const pointsBefore = batch.points;
  const where = `${origin.what} ${origin.name}`;
  const text = (typeof payload === "string" ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString()).trim();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: a plain value such as "21.5".
  }
  const segments = origin.name.split(origin.separator);
  let metric: unknown = mapping.metric ?? segments.at(-1);
  let ts: unknown = receivedAt;
  let value: unknown = body;
  if (body !== null && typeof body === "object") {
    value = getPath(body, mapping.value);
    if (mapping.timestamp) ts = getPath(body, mapping.timestamp) ?? receivedAt;
    if (mapping.series && !mapping.metric) metric = getPath(body, mapping.series);
  }
  if (!batch.checkMetric(`${where}: metric`, metric)) return false;
  const labels: Record<string, string> = {};
  for (const [name, index] of Object.entries(mapping.topicLabels ?? {})) {
    if (segments[index]) labels[name] = segments[index];
  }
  const checked = batch.checkLabels(`${where}: labels`, labels);
  if (!checked) return false;
  batch.add(metric, checked, numericValue(ts), numericValue(value), `${where}: ${mapping.timestamp ?? "timestamp"}`, `${where}: ${mapping.value}`);
  return batch.points > pointsBefore;
}

export function addMqttMessage(batch: IngestBatch, config: TMqttConfig, topic: string, payload: Buffer | string, receivedAt: number): boolean {
  return addMessage(batch, config.mapping, { what: "topic", name: topic, separator: "/" }, payload, receivedAt);
}
