/**
 * Sending one message to one channel: build it (lib/alerting/messages), sign it when the channel
 * is a webhook, send it, classify the answer. The notify job and the "send test" button both call
 * `sendToChannel`.
 */
import type { AlertContext } from "@/lib/alerting/alert";
import { buildWebhookBody, type MessageMeta } from "@/lib/alerting/messages/webhook";
import { buildSlackMessage } from "@/lib/alerting/messages/slack";
import { buildEmail } from "@/lib/alerting/messages/email";
import { buildAlertmanagerAlerts } from "@/lib/alerting/messages/alertmanager";
import { EVENT_HEADER, IDEMPOTENCY_HEADER, signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@/lib/alerting/signature";
import { CONFIG_SCHEMAS, type ChannelKindName } from "@/lib/alerting/schemas";
import { postJson } from "@/lib/alerting/http";
import { sendEmail } from "@/lib/alerting/email";
import type { SendOutcome } from "@/lib/alerting/outcome";

export interface ChannelRow {
  id: string;
  kind: ChannelKindName;
  config: unknown;
  secret: string | null;
}

/** Headers and body of a webhook message, signed with the channel's secret. */
export function webhookRequest(ctx: AlertContext, meta: MessageMeta, secret: string | null, extra: Record<string, string>) {
  const body = JSON.stringify(buildWebhookBody(ctx, meta));
  const timestamp = Math.floor(meta.sentAt.getTime() / 1000);
  const headers: Record<string, string> = {
    ...extra,
    [IDEMPOTENCY_HEADER]: meta.idempotencyKey,
    [EVENT_HEADER]: meta.event,
    [TIMESTAMP_HEADER]: String(timestamp),
  };
  if (secret) headers[SIGNATURE_HEADER] = signPayload(secret, timestamp, body);
  return { body, headers };
}

function invalidConfig(message: string): SendOutcome {
  return { ok: false, retryable: false, status: null, response: null, error: `channel misconfigured: ${message}`, latencyMs: 0 };
}

export async function sendToChannel(channel: ChannelRow, ctx: AlertContext, meta: MessageMeta): Promise<SendOutcome> {
  const parsed = CONFIG_SCHEMAS[channel.kind].safeParse(channel.config);
  if (!parsed.success) return invalidConfig(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  switch (channel.kind) {
    case "WEBHOOK": {
      const config = CONFIG_SCHEMAS.WEBHOOK.parse(channel.config);
      const { body, headers } = webhookRequest(ctx, meta, channel.secret, config.headers);
      return postJson(config.url, body, headers, config.timeoutMs);
    }
    case "SLACK": {
      const config = CONFIG_SCHEMAS.SLACK.parse(channel.config);
      return postJson(config.url, JSON.stringify(buildSlackMessage(ctx, meta)), {}, config.timeoutMs);
    }
    case "ALERTMANAGER": {
      const config = CONFIG_SCHEMAS.ALERTMANAGER.parse(channel.config);
      const url = `${config.url.replace(/\/+$/, "")}/api/v2/alerts`;
      return postJson(url, JSON.stringify(buildAlertmanagerAlerts(ctx, meta)), { ...config.headers, [IDEMPOTENCY_HEADER]: meta.idempotencyKey }, config.timeoutMs);
    }
    case "EMAIL": {
      const config = CONFIG_SCHEMAS.EMAIL.parse(channel.config);
      return sendEmail(config, { ...buildEmail(ctx, meta), headers: { [IDEMPOTENCY_HEADER]: meta.idempotencyKey, "X-Vigil-Event": meta.event } });
    }
  }
}
