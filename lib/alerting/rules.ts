/**
 * Whether a rule wants an anomaly, and why not when it does not. Pure: the notify job calls it
 * with what it read from PostgreSQL, the anomaly API with the same rows to say "why not".
 */
import { alertLabels, direction, SEVERITIES, type AlertContext, type SeverityName } from "@/lib/alerting/alert";
import { formatMatcher, matches, type Matcher } from "@/lib/alerting/matchers";
import { formatReading } from "@/lib/anomalies/explain";
import { activeMute, describeMute, type MuteInterval } from "@/lib/alerting/mute";

/** An anomaly whose last point is older than this when it is evaluated comes from old data (a backfill, a late upload). */
export const HISTORICAL_AFTER_MS = 60 * 60_000;

export interface RuleSpec {
  id: string;
  name: string;
  enabled: boolean;
  detectorId: string | null;
  sourceId: string | null;
  matchers: Matcher[];
  minSeverity: SeverityName;
  direction: "ANY" | "ABOVE" | "BELOW";
  minDeviation: number | null;
  deviationUnit: "PERCENT" | "ABSOLUTE";
  minDurationSeconds: number;
  notifyResolved: boolean;
  includeHistorical: boolean;
  cooldownMinutes: number;
  channelId: string;
  muteTimings: MuteInterval[];
  muteTimeZone: string;
  escalateAfterMinutes: number | null;
  escalationChannelId: string | null;
  /** null: one message per anomaly; otherwise grouped (lib/alerting/groups.ts). */
  groupWaitSeconds: number | null;
  groupBy: string[];
  groupIntervalMinutes: number;
}

export type RuleVerdict = { match: true } | { match: false; reason: string; /** May still match as the episode grows. */ pending?: boolean };

/** |actual - expected| in the rule's unit; null when the row has no expectation. */
export function deviation(a: AlertContext["anomaly"], unit: RuleSpec["deviationUnit"]): number | null {
  if (a.actual === null || a.expected === null) return null;
  const abs = Math.abs(a.actual - a.expected);
  if (unit === "ABSOLUTE") return abs;
  if (a.expected === 0) return abs === 0 ? 0 : Infinity;
  return (abs / Math.abs(a.expected)) * 100;
}

export function durationSeconds(a: AlertContext["anomaly"]): number {
  return Math.max(0, (a.endTs.getTime() - a.startTs.getTime()) / 1000);
}

export function isHistorical(a: AlertContext["anomaly"], now: Date): boolean {
  return now.getTime() - a.endTs.getTime() > HISTORICAL_AFTER_MS;
}

const fmtUnit = (x: number, unit: RuleSpec["deviationUnit"]) => (unit === "PERCENT" ? `${formatReading(x)}%` : formatReading(x));

export function checkRule(rule: RuleSpec, ctx: AlertContext, now: Date): RuleVerdict {
  const a = ctx.anomaly;
  if (!rule.enabled) return { match: false, reason: "rule disabled" };
  if (rule.detectorId && rule.detectorId !== ctx.detector.id) return { match: false, reason: "another detector" };
  if (rule.sourceId && rule.sourceId !== ctx.source.id) return { match: false, reason: "another source" };
  const labels = alertLabels(ctx);
  const failed = rule.matchers.find((m) => !matches(m, labels));
  if (failed) return { match: false, reason: `label matcher ${formatMatcher(failed)} does not hold` };
  if (SEVERITIES.indexOf(a.severity) < SEVERITIES.indexOf(rule.minSeverity)) {
    return { match: false, reason: `severity ${a.severity.toLowerCase()} below ${rule.minSeverity.toLowerCase()}` };
  }
  if (rule.direction !== "ANY") {
    const side = direction(a);
    const want = rule.direction === "ABOVE" ? "above" : "below";
    if (side !== want) return { match: false, reason: `value ${side ?? "not"} ${side ? "expected" : "above or below expected"}; rule wants ${want}` };
  }
  if (rule.minDeviation !== null) {
    const d = deviation(a, rule.deviationUnit);
    if (d === null) return { match: false, reason: "no expected value to measure the deviation from" };
    if (d < rule.minDeviation) {
      return { match: false, reason: `deviation ${fmtUnit(d, rule.deviationUnit)} below ${fmtUnit(rule.minDeviation, rule.deviationUnit)}` };
    }
  }
  if (durationSeconds(a) < rule.minDurationSeconds) {
    return { match: false, reason: `lasted ${durationSeconds(a)} s of the ${rule.minDurationSeconds} s required`, pending: a.ongoing };
  }
  if (!rule.includeHistorical && isHistorical(a, now)) {
    return { match: false, reason: "old data (a backfill or late upload); the rule does not ask for those" };
  }
  const mute = mutedBy(rule, now);
  if (mute) return { match: false, reason: mute, pending: a.ongoing };
  return { match: true };
}

/** "muted (quiet hours mon,tue 22:00-07:00 Europe/Berlin)" while the rule's quiet hours hold, else null. */
export function mutedBy(rule: Pick<RuleSpec, "muteTimings" | "muteTimeZone">, now: Date): string | null {
  const m = activeMute(rule.muteTimings, rule.muteTimeZone, now);
  return m ? `muted (quiet hours ${describeMute(m, rule.muteTimeZone)})` : null;
}
