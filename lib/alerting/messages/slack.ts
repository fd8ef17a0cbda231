/** A Slack incoming-webhook message (Block Kit): severity, series, value against expected, why, a button to the anomaly. Pure. */
import { isResolved, seriesName, whyFlagged, type AlertContext } from "@/lib/alerting/alert";
import { formatReading } from "@/lib/anomalies/explain";
import type { MessageMeta } from "@/lib/alerting/messages/webhook";
import { groupTitle, memberLines, type GroupMessage } from "@/lib/alerting/groups";

const ICON = { LOW: ":large_blue_circle:", MEDIUM: ":large_yellow_circle:", HIGH: ":large_orange_circle:", CRITICAL: ":red_circle:" } as const;

/** Slack's mrkdwn needs &, < and > escaped. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function valueLine(a: AlertContext["anomaly"]): string {
  if (a.actual === null) return `score ${a.peakScore.toFixed(2)}`;
  const exp = a.expected === null ? "" : ` vs expected ${formatReading(a.expected)}`;
  const band = a.lower !== null && a.upper !== null ? ` (normal ${formatReading(a.lower)}–${formatReading(a.upper)})` : "";
  return `${formatReading(a.actual)}${exp}${band}`;
}

/** A grouped batch: the group's title, one line per series (each linking its anomaly), a button to the first. */
function buildSlackGroupMessage(g: GroupMessage, meta: MessageMeta) {
  const title = `${meta.event === "anomaly.resolved" ? "Resolved" : "Anomalies"}: ${groupTitle(g, meta.event === "anomaly.resolved")}`;
  const lines = memberLines(g, valueLine).map((l, i) => `• <${g.members[i].url}|${slackEscape(l)}>`);
  return {
    text: `${title} ${g.members[0].url}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: lines.slice(0, 20).join("\n").slice(0, 2900) + (lines.length > 20 ? `\n… and ${lines.length - 20} more` : "") } },
      { type: "context", elements: [{ type: "mrkdwn", text: `${slackEscape(g.members[0].source.name)}${meta.rule ? ` · rule ${slackEscape(meta.rule.name)}` : ""}` }] },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open first anomaly" }, url: g.members[0].url, style: "primary" }] },
    ],
  };
}

export function buildSlackMessage(ctx: AlertContext, meta: MessageMeta) {
  if (meta.group) return buildSlackGroupMessage(meta.group, meta);
  const a = ctx.anomaly;
  const series = seriesName(ctx.series);
  const state = meta.event === "test" ? "Test message" : meta.event === "anomaly.resolved" || isResolved(a) ? "Resolved" : meta.event === "anomaly.escalated" ? "Escalated, unacknowledged" : "Anomaly";
  const title = `${state}: ${a.severity} on ${series}`;
  return {
    text: `${title} (${ctx.source.name}) ${ctx.url}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Severity*\n${ICON[a.severity]} ${a.severity.toLowerCase()}` },
          { type: "mrkdwn", text: `*Series*\n${slackEscape(series)}` },
          { type: "mrkdwn", text: `*Value*\n${slackEscape(valueLine(a))}` },
          { type: "mrkdwn", text: `*Source / detector*\n${slackEscape(ctx.source.name)} / ${slackEscape(ctx.detector.name)}` },
        ],
      },
      { type: "section", text: { type: "mrkdwn", text: slackEscape(whyFlagged(ctx)) } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `since ${a.startTs.toISOString()}${isResolved(a) ? `, ended ${a.endTs.toISOString()}` : ""}${meta.rule ? ` · rule ${slackEscape(meta.rule.name)}` : ""}` }],
      },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open anomaly" }, url: ctx.url, style: "primary" }] },
    ],
  };
}
