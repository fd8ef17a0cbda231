/**
 * Grouping: anomalies of one rule and source with the same values of the rule's `groupBy` labels
 * share one message ("5 series of web-1 anomalous since 10:02"). Each member keeps its own
 * delivery row under its unique key (rule, anomaly, kind); the rows of a group that are due
 * together are claimed as one batch, sent as one message whose idempotency key is the batch's,
 * and finished together. Pure: the database side is lib/server/queries/alert-groups.ts.
 */
import { alertLabels, seriesName, type AlertContext } from "@/lib/alerting/alert";
import type { RuleSpec } from "@/lib/alerting/rules";

export interface GroupIdentity {
  /** `<sourceId>|label=value,...` in the order of the rule's `groupBy`. */
  key: string;
  labels: Record<string, string>;
}

/** The message a batch becomes: its members (the batch) and the group they belong to. */
export interface GroupMessage {
  id: string;
  key: string;
  labels: Record<string, string>;
  /** Members announced so far, this batch included. */
  total: number;
  members: AlertContext[];
}

export function groupIdentity(rule: Pick<RuleSpec, "groupBy">, ctx: AlertContext): GroupIdentity {
  const all = alertLabels(ctx);
  const labels = Object.fromEntries(rule.groupBy.map((name) => [name, all[name] ?? ""]));
  return { key: `${ctx.source.id}|${rule.groupBy.map((n) => `${n}=${labels[n]}`).join(",")}`, labels };
}

/** When the group's next firing batch may go out: `groupWaitSeconds` after it opened, then at most every `groupIntervalMinutes`. */
export function nextBatchAt(rule: Pick<RuleSpec, "groupWaitSeconds" | "groupIntervalMinutes">, group: { openedAt: Date; lastBatchAt: Date | null }, now: Date): Date {
  if (!group.lastBatchAt) return new Date(group.openedAt.getTime() + (rule.groupWaitSeconds ?? 0) * 1000);
  return new Date(Math.max(now.getTime(), group.lastBatchAt.getTime() + rule.groupIntervalMinutes * 60_000));
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/** "5 series of web-1 anomalous since 10:02 UTC" / "2 more series of web-1 (7 in all) ..." / "... resolved". */
export function groupTitle(g: GroupMessage, resolved: boolean): string {
  const first = g.members[0];
  const since = new Date(Math.min(...g.members.map((m) => m.anomaly.startTs.getTime())));
  const metrics = [...new Set(g.members.map((m) => m.series.metric))];
  const what = `${g.members.length}${g.total > g.members.length && !resolved ? " more" : ""} series of ${first.source.name}`;
  const all = g.total > g.members.length && !resolved ? ` (${g.total} in all)` : "";
  const tail = resolved ? "resolved" : `anomalous since ${hhmm(since)} UTC`;
  return `${what}${all} ${tail}: ${metrics.slice(0, 5).join(", ")}${metrics.length > 5 ? ", ..." : ""}`;
}

/** One line per member: `cpu.usage{host="web-1"}: HIGH, 93.2 vs expected 41`. */
export function memberLines(g: GroupMessage, value: (a: AlertContext["anomaly"]) => string): string[] {
  return g.members.map((m) => `${seriesName(m.series)}: ${m.anomaly.severity}, ${value(m.anomaly)}`);
}
