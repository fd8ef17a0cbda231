/**
 * Isomorphic zod schemas for data sources: one config schema per kind, so a bad config is refused
 * with field paths (`config.url: ...`) by the API and the same messages can be shown by the form.
 */
import { z } from "zod";

export const SOURCE_KINDS = ["HTTP_PUSH", "HTTP_POLL", "PROMETHEUS", "CSV_UPLOAD", "MQTT", "NATS", "AMQP"] as const;
export const SOURCE_STATUSES = ["ACTIVE", "PAUSED", "ERROR"] as const;
export type TSourceKind = (typeof SOURCE_KINDS)[number];

const ZHttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
/** Poll interval in seconds. */
const ZInterval = z.int("must be a whole number of seconds").min(5, "must be at least 5 seconds").max(86_400, "must be at most 86400 seconds");
const ZFieldPath = z.string().trim().min(1, "must not be empty").max(200);
/** A fixed metric name (same rule as ingest's metric names). */
const ZMetricName = z.string().regex(/^[A-Za-z_:][A-Za-z0-9_:.\-/]{0,199}$/, "must be a metric name: a letter, _ or : then letters, digits, _ : . - /");
/** Label name -> dotted field path in each record. */
const ZLabelPaths = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.\-]{0,99}$/, "must be a label name"), ZFieldPath);

export const ZHttpPushConfig = z.object({}).strict();
export const ZCsvUploadConfig = z.object({}).strict();

export const ZHttpPollConfig = z
  .object({
    url: ZHttpUrl,
    format: z.enum(["json", "csv"]),
    mapping: z
      .object({
        timestamp: ZFieldPath,
        value: ZFieldPath,
        /** Field holding the series (metric) name; a fixed metric name when absent. */
        series: ZFieldPath.optional(),
        /** Fixed metric name when `series` is absent (default: the last segment of the value path). */
        metric: ZMetricName.optional(),
        /** Label name -> field path, read from each record. */
        labels: ZLabelPaths.optional(),
        /** JSON only: dotted path to the array of records (default: the body itself, an array or one object). */
        records: ZFieldPath.optional(),
      })
      .strict(),
    interval: ZInterval,
  })
  .strict();

export const ZPrometheusConfig = z
  .object({
    baseUrl: ZHttpUrl,
    query: z.string().trim().min(1, "must not be empty").max(2000),
    /** Range-query resolution in seconds. */
    step: z.int("must be a whole number of seconds").min(1).max(86_400),
    interval: ZInterval,
  })
  .strict();

/**
 * How a broker message becomes a point (MQTT, NATS and AMQP alike): a plain number, or JSON with the
 * value at `value`. `topicLabels` read segments of the topic (`/`-separated), subject or routing key
 * (`.`-separated).
 */
const ZMessageMapping = z
  .object({
    timestamp: ZFieldPath.optional(),
    /** Field of a JSON payload holding the value; a payload that is a plain number is used as is. */
    value: ZFieldPath,
    series: ZFieldPath.optional(),
    /** Fixed metric name when `series` is absent (default: the last topic/subject segment). */
    metric: ZMetricName.optional(),
    /** Label name -> 0-based segment index, e.g. {"site": 1} for sensors/<site>/temp. */
    topicLabels: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.\-]{0,99}$/, "must be a label name"), z.int().min(0).max(50)).optional(),
  })
  .strict();

export const ZMqttConfig = z
  .object({
    brokerUrl: z.url({ protocol: /^mqtts?$|^wss?$/, error: "must be an mqtt://, mqtts://, ws:// or wss:// URL" }),
    /** MQTT topic filter; `+` and `#` wildcards allowed. */
    topic: z
      .string()
      .min(1, "must not be empty")
      .max(500)
      .refine((t) => !/#./.test(t), "'#' must be the last character"),
    mapping: ZMessageMapping,
  })
  .strict();

/** NATS subject tokens: no spaces; `*` a whole token, `>` the last token. */
const ZNatsSubject = z
  .string()
  .min(1, "must not be empty")
  .max(500)
  .refine((s) => s.split(".").every((t, i, all) => t !== "" && !/\s/.test(t) && (!/[*>]/.test(t) || t === "*" || (t === ">" && i === all.length - 1))), "must be a NATS subject: dot-separated tokens, '*' a whole token, '>' only as the last one");

export const ZNatsConfig = z
  .object({
    servers: z.url({ protocol: /^(nats|tls)$/, error: "must be a nats:// or tls:// URL" }),
    /** The JetStream stream to read; Vigil keeps a durable consumer `vigil-<source id>` on it. */
    stream: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "must be a stream name: letters, digits, _ and -"),
    /** Subjects of the stream to read (filter); all of them when absent. */
    subject: ZNatsSubject.optional(),
    mapping: ZMessageMapping,
  })
  .strict();

export const ZAmqpConfig = z
  .object({
    url: z.url({ protocol: /^amqps?$/, error: "must be an amqp:// or amqps:// URL" }),
    /** Queue to consume; declared durable and bound when `exchange` is given, else it must exist. */
    queue: z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters"),
    exchange: z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters").optional(),
    /** Binding key for `exchange` (topic exchanges: `*` and `#`); `#` when absent. */
    bindingKey: z.string().max(255, "must be at most 255 characters").optional(),
    /** Unacknowledged messages the broker may hand this worker at once. */
    prefetch: z.int("must be a whole number").min(1, "must be at least 1").max(10_000, "must be at most 10000").default(1_000),
    mapping: ZMessageMapping,
  })
  .strict()
  .refine((c) => c.bindingKey === undefined || c.exchange !== undefined, { path: ["bindingKey"], message: "needs an exchange" });

export const CONFIG_SCHEMAS = {
  HTTP_PUSH: ZHttpPushConfig,
  HTTP_POLL: ZHttpPollConfig,
  PROMETHEUS: ZPrometheusConfig,
  CSV_UPLOAD: ZCsvUploadConfig,
  MQTT: ZMqttConfig,
  NATS: ZNatsConfig,
  AMQP: ZAmqpConfig,
} as const satisfies Record<TSourceKind, z.ZodType>;

const ZName = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
/** Points older than this many days are deleted by the retention job; absent or null keeps them. */
export const ZRetentionDays = z.int("must be a whole number of days").min(1, "must be at least 1 day").max(36_500, "must be at most 36500 days");

/** POST /api/v1/sources/{id}/keys: a named API key for push ingest. */
export const ZCreateKey = z.object({ name: z.string().trim().min(1, "must not be empty").max(100) });
/** POST /api/v1/sources/test: an unsaved config to try. */
/** `sourceId`: the saved source being edited, whose stored passwords fill URLs shown masked. */
export const ZTestSource = z.object({ kind: z.enum(SOURCE_KINDS), config: z.unknown().default({}), sourceId: z.string().min(1).optional() }).strict();

export const ZCreateSource = z.discriminatedUnion("kind", [
  z.object({ name: ZName, kind: z.literal("HTTP_PUSH"), config: ZHttpPushConfig.default({}), retentionDays: ZRetentionDays.nullable().optional() }),
  z.object({ name: ZName, kind: z.literal("HTTP_POLL"), config: ZHttpPollConfig, retentionDays: ZRetentionDays.nullable().optional() }),
  z.object({ name: ZName, kind: z.literal("PROMETHEUS"), config: ZPrometheusConfig, retentionDays: ZRetentionDays.nullable().optional() }),
  z.object({ name: ZName, kind: z.literal("CSV_UPLOAD"), config: ZCsvUploadConfig.default({}), retentionDays: ZRetentionDays.nullable().optional() }),
  z.object({ name: ZName, kind: z.literal("MQTT"), config: ZMqttConfig, retentionDays: ZRetentionDays.nullable().optional() }),
  z.object({ name: ZName, kind: z.literal("NATS"), config: ZNatsConfig, retentionDays: ZRetentionDays.nullable().optional() }),
  z.object({ name: ZName, kind: z.literal("AMQP"), config: ZAmqpConfig, retentionDays: ZRetentionDays.nullable().optional() }),
]);
export type TCreateSource = z.infer<typeof ZCreateSource>;

/** The kind cannot change (its series and keys depend on it); the config is checked against it. */
export const ZUpdateSource = z
  .object({
    name: ZName.optional(),
    status: z.enum(["ACTIVE", "PAUSED"]).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    retentionDays: ZRetentionDays.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type TUpdateSource = z.infer<typeof ZUpdateSource>;

/** Validates `config` for `kind`; errors carry the path under `config`. */
export function parseSourceConfig(kind: TSourceKind, config: unknown): Record<string, unknown> {
  const result = CONFIG_SCHEMAS[kind].safeParse(config);
  if (result.success) return result.data as Record<string, unknown>;
  throw new z.ZodError(result.error.issues.map((i) => ({ ...i, path: ["config", ...i.path] })));
}

/** Pulled sources are scheduled every `interval` seconds; pushed ones have no schedule. */
export function scheduleSecondsFor(config: Record<string, unknown>): number | null {
  return typeof config.interval === "number" ? config.interval : null;
}

/** Longest past range one import may cover. */
export const IMPORT_MAX_DAYS = 400;

/** POST /api/v1/sources/{id}/imports: a past range of a Prometheus source to import. */
export const ZStartImport = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .strict()
  .refine((v) => Date.parse(v.from) < Date.parse(v.to), { path: ["to"], message: "must be after from" })
  .refine((v) => Date.parse(v.to) - Date.parse(v.from) <= IMPORT_MAX_DAYS * 86_400_000, { path: ["from"], message: `the range must be at most ${IMPORT_MAX_DAYS} days` });
export type TStartImport = z.infer<typeof ZStartImport>;
