/**
 * Per-kind config forms as data: which fields each kind's zod schema (lib/ingest/source-config.ts)
 * has, and the mapping between flat form values and the nested config object. Validation stays
 * with the schema (the API's 422 `issues` are shown next to the fields), so the two cannot drift.
 */
import type { TSourceKind } from "@/lib/ingest/source-config";

export interface ConfigField {
  /** Dotted path inside `config`, e.g. `mapping.value`. */
  path: string;
  label: string;
  /** `map`: `name=value` pairs separated by commas, e.g. a label name to a field path. */
  type: "text" | "number" | "select" | "map";
  /** For `map`: whether the values are numbers. */
  numericValues?: boolean;
  options?: readonly string[];
  optional?: boolean;
  placeholder?: string;
  help?: string;
}

export const KIND_LABELS: Record<TSourceKind, string> = {
  HTTP_PUSH: "HTTP push",
  HTTP_POLL: "HTTP poll",
  PROMETHEUS: "Prometheus",
  CSV_UPLOAD: "CSV upload",
  MQTT: "MQTT",
  NATS: "NATS JetStream",
  AMQP: "AMQP (RabbitMQ)",
};

export const KIND_HELP: Record<TSourceKind, string> = {
  HTTP_PUSH: "Your systems push points to /api/v1/ingest with a per-source API key.",
  HTTP_POLL: "Vigil fetches a JSON or CSV URL on a schedule.",
  PROMETHEUS: "Vigil runs a PromQL range query on a schedule.",
  CSV_UPLOAD: "Upload CSV files from the browser.",
  MQTT: "Vigil subscribes to an MQTT topic.",
  NATS: "Vigil reads a JetStream stream with a durable consumer; each message is acknowledged once its point is stored.",
  AMQP: "Vigil consumes a RabbitMQ queue; each message is acknowledged once its point is stored.",
};

/** The payload mapping shared by the broker kinds (lib/ingest/source-config.ts ZMessageMapping). */
function messageMapping(segments: string): ConfigField[] {
  return [
    { path: "mapping.timestamp", label: "Timestamp field", type: "text", optional: true, help: "optional; arrival time when empty" },
    { path: "mapping.value", label: "Value field", type: "text", placeholder: "value" },
    { path: "mapping.series", label: "Series field", type: "text", optional: true, help: "optional" },
    { path: "mapping.metric", label: "Metric name", type: "text", optional: true, help: `optional; default: the last ${segments} segment` },
    { path: "mapping.topicLabels", label: `Labels from ${segments}`, type: "map", numericValues: true, optional: true, placeholder: "site=1", help: `optional; label=${segments} segment index (0-based)` },
  ];
}

const INTERVAL: ConfigField = { path: "interval", label: "Poll interval (seconds)", type: "number", placeholder: "60", help: "5 to 86400" };

export const CONFIG_FIELDS: Record<TSourceKind, ConfigField[]> = {
  HTTP_PUSH: [],
  CSV_UPLOAD: [],
  HTTP_POLL: [
    { path: "url", label: "URL", type: "text", placeholder: "https://example.com/metrics.json" },
    { path: "format", label: "Format", type: "select", options: ["json", "csv"] },
    { path: "mapping.timestamp", label: "Timestamp field", type: "text", placeholder: "ts" },
    { path: "mapping.value", label: "Value field", type: "text", placeholder: "value" },
    { path: "mapping.series", label: "Series field", type: "text", optional: true, help: "optional; one fixed series when empty" },
    { path: "mapping.metric", label: "Metric name", type: "text", optional: true, help: "optional; used when there is no series field" },
    { path: "mapping.labels", label: "Labels", type: "map", optional: true, placeholder: "host=meta.host, region=meta.region", help: "optional; label=field, comma-separated" },
    { path: "mapping.records", label: "Records path", type: "text", optional: true, help: "optional, JSON only; path to the array of records" },
    INTERVAL,
  ],
  PROMETHEUS: [
    { path: "baseUrl", label: "Prometheus URL", type: "text", placeholder: "http://prometheus:9090" },
    { path: "query", label: "PromQL query", type: "text", placeholder: "rate(http_requests_total[5m])" },
    { path: "step", label: "Step (seconds)", type: "number", placeholder: "60" },
    INTERVAL,
  ],
  MQTT: [
    { path: "brokerUrl", label: "Broker URL", type: "text", placeholder: "mqtt://localhost:1883" },
    { path: "topic", label: "Topic", type: "text", placeholder: "sensors/+/temperature", help: "+ and # wildcards allowed" },
    ...messageMapping("topic"),
  ],
  NATS: [
    { path: "servers", label: "Server URL", type: "text", placeholder: "nats://localhost:4222" },
    { path: "stream", label: "Stream", type: "text", placeholder: "SENSORS" },
    { path: "subject", label: "Subject filter", type: "text", optional: true, placeholder: "sensors.*.temp", help: "optional; * and > wildcards; every subject of the stream when empty" },
    ...messageMapping("subject"),
  ],
  AMQP: [
    { path: "url", label: "Broker URL", type: "text", placeholder: "amqp://user:password@localhost:5672" },
    { path: "queue", label: "Queue", type: "text", placeholder: "vigil-metrics" },
    { path: "exchange", label: "Exchange", type: "text", optional: true, help: "optional; when set, the queue is declared durable and bound to it" },
    { path: "bindingKey", label: "Binding key", type: "text", optional: true, placeholder: "sensors.#", help: "optional; # when empty" },
    { path: "prefetch", label: "Prefetch", type: "number", optional: true, placeholder: "1000", help: "optional; unacknowledged messages held at once, 1 to 10000" },
    ...messageMapping("routing key"),
  ],
};

/** Pulled kinds run on a schedule (their config has an `interval`). */
export function isPulled(kind: TSourceKind): boolean {
  return CONFIG_FIELDS[kind].some((f) => f.path === "interval");
}

function getPath(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

/** A non-numeric entry is sent as typed so the schema's own message names the field. */
function toNumber(raw: string): number | string {
  return raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
}

/** `a=x, b=y` to `{a: "x", b: "y"}`; an entry without `=` keeps an empty value for the schema to refuse. */
export function parseMap(raw: string, numericValues: boolean): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    const k = (eq < 0 ? part : part.slice(0, eq)).trim();
    const v = eq < 0 ? "" : part.slice(eq + 1).trim();
    out[k] = numericValues ? toNumber(v) : v;
  }
  return out;
}

function formatValue(v: unknown): string {
  if (v && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}=${String(x)}`).join(", ");
  return String(v);
}

/** Form values (strings keyed by path) to the config object the API expects. */
export function formToConfig(kind: TSourceKind, values: Record<string, string>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of CONFIG_FIELDS[kind]) {
    const raw = (values[f.path] ?? "").trim();
    if (raw === "" && f.optional) continue;
    setPath(config, f.path, f.type === "map" ? parseMap(raw, !!f.numericValues) : f.type === "number" ? toNumber(raw) : raw);
  }
  return config;
}

/** A saved config back to form values, for the edit form. */
export function configToForm(kind: TSourceKind, config: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of CONFIG_FIELDS[kind]) {
    const v = getPath(config, f.path);
    values[f.path] = v === undefined || v === null ? (f.type === "select" && f.options ? f.options[0] : "") : formatValue(v);
  }
  return values;
}

/** Default values for a new source of `kind`. */
export function emptyForm(kind: TSourceKind): Record<string, string> {
  return configToForm(kind, kind === "HTTP_POLL" || kind === "PROMETHEUS" ? { interval: 60, ...(kind === "PROMETHEUS" ? { step: 60 } : {}) } : {});
}

/**
 * API issues (`config.mapping.value`, `name`, `(root)`) to messages per form field; whatever does
 * not name a field goes under `""` so it is still shown.
 */
export function issuesByField(issues: readonly { path: string; message: string }[] | undefined, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues ?? []) {
    const key = i.path.replace(/^config\./, "");
    // `mapping.labels.host` belongs to the `mapping.labels` field.
    const owner = fields.filter((f) => key === f || key.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0];
    const field = owner ?? (i.path === "name" ? "name" : "");
    out[field] = out[field] ? `${out[field]}; ${i.message}` : i.message;
  }
  return out;
}

/** One-line summary of a config for lists and the detail page. */
export function summarizeConfig(kind: TSourceKind, config: unknown): { label: string; value: string }[] {
  return CONFIG_FIELDS[kind]
    .map((f) => ({ label: f.label, value: getPath(config, f.path) }))
    .filter((e) => e.value !== undefined && e.value !== null && e.value !== "")
    .map((e) => ({ label: e.label, value: formatValue(e.value) }));
}
