/**
 * What the alerting routes answer (isomorphic), for the OpenAPI document and
 * lib/openapi/responses-alerting.int.test.ts: channels (secrets masked), rules with the names of
 * what they refer to, silences, and the delivery log. Lists are `{ items, nextCursor }`, one
 * resource is bare (lib/openapi/README.md).
 */
import { z } from "zod";
import { ZMatchers } from "@/lib/alerting/matchers";
import { ZMuteTimings } from "@/lib/alerting/mute";
import { SEVERITIES } from "@/lib/alerting/alert";
import { CHANNEL_KINDS } from "@/lib/alerting/schemas";

const isoTime = z.iso.datetime();
const ref = z.object({ id: z.string(), name: z.string() });
const unpaged = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.null() });

/** lib/server/queries/alert-channels.ts toChannelView: config with secrets masked, `signed` when a webhook secret exists. */
export const ZChannel = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
  signed: z.boolean(),
  /** At most `count` messages per `seconds` (lib/alerting/README.md, send limits); null: no limit. */
  rateLimit: z.object({ count: z.number().int(), seconds: z.number().int() }).nullable(),
});
export const ZChannelList = unpaged(ZChannel);
/** The create answer: the channel with a webhook's signing secret, shown here and after a rotation only (null for other kinds). */
export const ZChannelCreated = ZChannel.extend({ secret: z.string().startsWith("whsec_").nullable() });
export const ZSecretRotated = z.object({ secret: z.string().startsWith("whsec_") });

/** lib/alerting/outcome.ts SendOutcome: what the receiver said to "send test". */
export const ZTestSent = z.object({
  ok: z.boolean(),
  retryable: z.boolean(),
  status: z.number().int().nullable(),
  response: z.string().nullable(),
  error: z.string().nullable(),
  latencyMs: z.number(),
});

export const ZRule = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  channelId: z.string(),
  channel: ref.extend({ kind: z.enum(CHANNEL_KINDS) }),
  detectorId: z.string().nullable(),
  detector: ref.nullable(),
  sourceId: z.string().nullable(),
  source: ref.nullable(),
  matchers: ZMatchers,
  minSeverity: z.enum(SEVERITIES),
  direction: z.enum(["ANY", "ABOVE", "BELOW"]),
  minDeviation: z.number().nullable(),
  deviationUnit: z.enum(["PERCENT", "ABSOLUTE"]),
  minDurationSeconds: z.number().int(),
  cooldownMinutes: z.number().int(),
  notifyResolved: z.boolean(),
  includeHistorical: z.boolean(),
  muteTimings: ZMuteTimings,
  muteTimeZone: z.string(),
  escalateAfterMinutes: z.number().int().nullable(),
  escalationChannelId: z.string().nullable(),
  escalationChannel: ref.nullable(),
  groupWaitSeconds: z.number().int().nullable(),
  groupBy: z.array(z.string()),
  groupIntervalMinutes: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const ZRuleList = unpaged(ZRule);

export const ZSilence = z.object({
  id: z.string(),
  matchers: ZMatchers,
  reason: z.string().nullable(),
  startsAt: isoTime,
  endsAt: isoTime,
  createdAt: isoTime,
  createdBy: z.object({ id: z.string(), email: z.string() }),
  /** Deliveries this silence held back. */
  suppressed: z.number().int(),
  state: z.enum(["active", "pending", "ended"]),
});
export const ZSilenceList = unpaged(ZSilence);

/** A delivery row as lib/server/queries/delivery-log.ts reads it. */
export const ZDelivery = z.object({
  id: z.string(),
  key: z.string(),
  kind: z.enum(["FIRING", "RESOLVED", "ESCALATED"]),
  status: z.enum(["PENDING", "SENDING", "SENT", "FAILED", "SUPPRESSED"]),
  /** Why it was suppressed or failed, in words. */
  reason: z.string().nullable(),
  attempts: z.number().int(),
  responseCode: z.number().int().nullable(),
  response: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime.nullable(),
  sentAt: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  anomalyId: z.string(),
  /** Grouped rules: the batch (one message) this row went out in. */
  batchKey: z.string().nullable(),
  /** Set while (or after) it waited for its channel's send limit: when it was next allowed. */
  rateLimitedUntil: isoTime.nullable(),
  rule: ref.nullable(),
  channel: ref.extend({ kind: z.enum(CHANNEL_KINDS) }),
  silence: z.object({ id: z.string(), reason: z.string().nullable(), endsAt: isoTime }).nullable(),
});
export const ZDeliveryPage = z.object({ items: z.array(ZDelivery), nextCursor: z.string().nullable() });
export const ZRecentDeliveries = unpaged(ZDelivery);
/** GET /anomalies/{id}/deliveries: its deliveries, every enabled rule that decided nothing with the reason, and matchers for a silence of its series. */
export const ZAnomalyAlerting = z.object({
  items: z.array(ZDelivery),
  notApplied: z.array(z.object({ rule: ref, reason: z.string() })),
  silenceMatchers: ZMatchers,
});
