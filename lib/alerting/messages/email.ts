/** An e-mail about an anomaly: subject, text and HTML parts with a link to it. Pure. */
import { isResolved, seriesName, whyFlagged, type AlertContext } from "@/lib/alerting/alert";
import { valueLine } from "@/lib/alerting/messages/slack";
import type { MessageMeta } from "@/lib/alerting/messages/webhook";
import { groupTitle, memberLines, type GroupMessage } from "@/lib/alerting/groups";

export function htmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function buildGroupEmail(g: GroupMessage, meta: MessageMeta): { subject: string; text: string; html: string } {
  const resolved = meta.event === "anomaly.resolved";
  const title = groupTitle(g, resolved);
  const subject = `[Vigil] ${resolved ? "Resolved" : "Anomalies"}: ${title}`.replace(/[\r\n]+/g, " ").slice(0, 250);
  const lines = memberLines(g, valueLine);
  const text = [title, "", ...lines.map((l, i) => `- ${l}\n  ${g.members[i].url}`), "", ...(meta.rule ? [`Rule: ${meta.rule.name}`] : []), `Idempotency key: ${meta.idempotencyKey}`].join("\n");
  const html = `<!doctype html><html><body style="font-family: system-ui, sans-serif">
<h2 style="margin:0 0 8px">${htmlEscape(title)}</h2>
<ul>${lines.map((l, i) => `<li><a href="${htmlEscape(g.members[i].url)}">${htmlEscape(l)}</a></li>`).join("")}</ul>
</body></html>`;
  return { subject, text, html };
}

export function buildEmail(ctx: AlertContext, meta: MessageMeta): { subject: string; text: string; html: string } {
  if (meta.group) return buildGroupEmail(meta.group, meta);
  const a = ctx.anomaly;
  const series = seriesName(ctx.series);
  const state = meta.event === "test" ? "Test" : meta.event === "anomaly.resolved" || isResolved(a) ? "Resolved" : meta.event === "anomaly.escalated" ? `Escalated ${a.severity}` : a.severity;
  const subject = `[Vigil] ${state}: anomaly on ${series} (${ctx.source.name})`.replace(/[\r\n]+/g, " ").slice(0, 250);
  const rows: [string, string][] = [
    ["Severity", a.severity.toLowerCase()],
    ["Series", series],
    ["Value", valueLine(a)],
    ["Source", ctx.source.name],
    ["Detector", `${ctx.detector.name} (${ctx.detector.algorithm})`],
    ["Started", a.startTs.toISOString()],
    [isResolved(a) ? "Ended" : "Last seen", a.endTs.toISOString()],
    ...(meta.rule ? ([["Rule", meta.rule.name]] as [string, string][]) : []),
  ];
  const why = whyFlagged(ctx);
  const text = [`${subject.replace(/^\[Vigil\] /, "")}`, "", why, "", ...rows.map(([k, v]) => `${k}: ${v}`), "", `Open it: ${ctx.url}`, "", `Idempotency key: ${meta.idempotencyKey}`].join("\n");
  const html = `<!doctype html><html><body style="font-family: system-ui, sans-serif">
<h2 style="margin:0 0 8px">${htmlEscape(subject.replace(/^\[Vigil\] /, ""))}</h2>
<p>${htmlEscape(why)}</p>
<table cellpadding="4" style="border-collapse:collapse">${rows.map(([k, v]) => `<tr><th align="left">${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`).join("")}</table>
<p><a href="${htmlEscape(ctx.url)}">Open the anomaly in Vigil</a></p>
</body></html>`;
  return { subject, text, html };
}
