/**
 * The alerting API's bodies (isomorphic: the forms parse with them too). Channel configs are
 * per kind; secrets in them (SMTP password, header values, the Slack URL's token) are masked in
 * every answer, and a masked value sent back keeps the stored one.
 */
import { z } from "zod";
import { ZMatchers } from "@/lib/alerting/matchers";
import { SEVERITIES } from "@/lib/alerting/alert";
import { ZMuteTimings, ZTimeZone } from "@/lib/alerting/mute";
import { ZSendLimit } from "@/lib/alerting/rate-limit";

export const CHANNEL_KINDS = ["WEBHOOK", "SLACK", "EMAIL", "ALERTMANAGER"] as const;
export type ChannelKindName = (typeof CHANNEL_KINDS)[number];
export const MASK = "********";

const httpUrl = z
  .string()
  .trim()
  .url("must be a URL")
  .refine((u) => /^https?:\/\//i.test(u), "must be http:// or https://");
const RESERVED_HEADERS = /^(content-type|content-length|host|user-agent|vigil-signature|vigil-timestamp|vigil-event|idempotency-key)$/i;
const headers = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "not a valid header name").refine((h) => !RESERVED_HEADERS.test(h), "set by Vigil"), z.string().max(2000).regex(/^[^\r\n]*$/, "no line breaks"))
  .refine((h) => Object.keys(h).length <= 20, "at most 20 headers")
  .default({});
const timeoutMs = z.number().int().min(500).max(30_000).default(10_000);

export const ZWebhookConfig = z.object({ url: httpUrl, headers, timeoutMs });
export const ZSlackConfig = z.object({ url: httpUrl, timeoutMs });
export const ZAlertmanagerConfig = z.object({ url: httpUrl, headers, timeoutMs });
export const ZEmailConfig = z.object({
  host: z.string().trim().min(1, "SMTP host required").max(255),
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Send in clear text even when STARTTLS is offered (local relays only). */
  ignoreTLS: z.boolean().default(false),
  user: z.string().max(255).optional(),
  password: z.string().max(500).optional(),
  from: z.string().trim().min(3).max(255),
  to: z.array(z.email("must be an e-mail address")).min(1, "at least one recipient").max(50),
  timeoutMs,
});

export const CONFIG_SCHEMAS = { WEBHOOK: ZWebhookConfig, SLACK: ZSlackConfig, EMAIL: ZEmailConfig, ALERTMANAGER: ZAlertmanagerConfig } as const;
export type ChannelConfig<K extends ChannelKindName> = z.infer<(typeof CONFIG_SCHEMAS)[K]>;
export type AnyChannelConfig = ChannelConfig<ChannelKindName>;

const name = z.string().trim().min(1, "name required").max(100);
/** At most `count` messages in any `seconds` (lib/alerting/rate-limit.ts); null: no limit. */
const rateLimit = ZSendLimit.nullable();
const channelFields = { name, enabled: z.boolean().default(true), rateLimit: rateLimit.default(null) };

export const ZCreateChannel = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("WEBHOOK"), ...channelFields, config: ZWebhookConfig }),
  z.object({ kind: z.literal("SLACK"), ...channelFields, config: ZSlackConfig }),
  z.object({ kind: z.literal("EMAIL"), ...channelFields, config: ZEmailConfig }),
  z.object({ kind: z.literal("ALERTMANAGER"), ...channelFields, config: ZAlertmanagerConfig }),
]);
export type CreateChannel = z.infer<typeof ZCreateChannel>;
/** The config is checked against the channel's kind once merged with the stored one. */
export const ZUpdateChannel = z.object({
  name: name.optional(),
  enabled: z.boolean().optional(),
  rateLimit: rateLimit.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

const ruleFields = {
  name,
  enabled: z.boolean().default(true),
  channelId: z.string().min(1, "channel required"),
  detectorId: z.string().min(1).nullable().default(null),
  sourceId: z.string().min(1).nullable().default(null),
  matchers: ZMatchers.default([]),
  minSeverity: z.enum(SEVERITIES).default("HIGH"),
  direction: z.enum(["ANY", "ABOVE", "BELOW"]).default("ANY"),
  minDeviation: z.number().min(0).nullable().default(null),
  deviationUnit: z.enum(["PERCENT", "ABSOLUTE"]).default("PERCENT"),
  minDurationSeconds: z.number().int().min(0).max(7 * 86400).default(0),
  cooldownMinutes: z.number().int().min(0).max(7 * 1440).default(30),
  notifyResolved: z.boolean().default(true),
  includeHistorical: z.boolean().default(false),
  muteTimings: ZMuteTimings.default([]),
  muteTimeZone: ZTimeZone.default("UTC"),
  escalateAfterMinutes: z.number().int().min(1).max(7 * 1440).nullable().default(null),
  escalationChannelId: z.string().min(1).nullable().default(null),
  /** Grouping: null sends one message per anomaly; otherwise the wait before a new group's first message. */
  groupWaitSeconds: z.number().int().min(0).max(3600).nullable().default(null),
  groupBy: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "not a label name")).max(10, "at most 10 labels").default([]),
  groupIntervalMinutes: z.number().int().min(1).max(1440).default(5),
};
export const ZCreateRule = z.object(ruleFields);
export type CreateRule = z.infer<typeof ZCreateRule>;
export const ZUpdateRule = z.object(Object.fromEntries(Object.entries(ruleFields).map(([k, v]) => [k, (v as z.ZodType).optional()])) as {
  [K in keyof typeof ruleFields]: z.ZodOptional<(typeof ruleFields)[K]>;
});

export const ZCreateSilence = z
  .object({
    matchers: ZMatchers.min(1, "at least one matcher (a silence without matchers would silence everything)"),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    durationMinutes: z.number().int().min(1).max(90 * 1440).optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((s) => s.endsAt !== undefined || s.durationMinutes !== undefined, { path: ["endsAt"], message: "give endsAt or durationMinutes" });
export type CreateSilence = z.infer<typeof ZCreateSilence>;

export const ZListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().optional() });
/** GET /api/v1/deliveries: the most recent deliveries across channels. */
export const ZRecentDeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
/** GET /api/v1/silences: active ones, or all (ended included). */
export const ZSilenceListQuery = z.object({ state: z.enum(["active", "all"]).default("active"), limit: z.coerce.number().int().min(1).max(200).default(100) });

/** The config as answers show it: secrets masked. */
export function redactConfig(kind: ChannelKindName, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  if (typeof out.password === "string" && out.password) out.password = MASK;
  if (out.headers && typeof out.headers === "object") out.headers = Object.fromEntries(Object.keys(out.headers).map((k) => [k, MASK]));
  if (kind === "SLACK" && typeof out.url === "string") out.url = maskUrlPath(out.url);
  return out;
}

/** Masked values sent back mean "keep what is stored". */
export function mergeConfig(kind: ChannelKindName, stored: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored, ...incoming };
  if (incoming.password === MASK) out.password = stored.password;
  if (kind === "SLACK" && typeof incoming.url === "string" && incoming.url === maskUrlPath(String(stored.url ?? ""))) out.url = stored.url;
  if (incoming.headers && typeof incoming.headers === "object") {
    const was = (stored.headers ?? {}) as Record<string, string>;
    out.headers = Object.fromEntries(Object.entries(incoming.headers as Record<string, string>).map(([k, v]) => [k, v === MASK ? was[k] : v]).filter(([, v]) => v !== undefined));
  }
  return out;
}

function maskUrlPath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}/${MASK}`;
  } catch {
    return MASK;
  }
}
