/**
 * Suppression rules: which incidents a rule keeps from alerting, the rules proposed from
 * false-positive labels, and what a rule would have done to the labelled history. Pure.
 *
 * A rule matches an incident of its detector when every condition it sets holds: its series (none:
 * any), the UTC hour of the incident's start in [hourFrom, hourTo) (wrapping past midnight when
 * hourFrom > hourTo), the ISO weekday of that start, and a peak score below `scoreBelow`.
 */
import { assistFilters, type AssistClassifier, type IncidentShape } from "@/lib/feedback/assist";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface RuleConditions {
  seriesId: string | null;
  hourFrom: number | null;
  hourTo: number | null;
  /** ISO weekdays, 1 = Monday ... 7 = Sunday; empty: any day. */
  weekdays: number[];
  scoreBelow: number | null;
}

export interface SuppressionRuleSpec extends RuleConditions {
  id: string;
  enabled: boolean;
  /** An assist rule (lib/feedback/assist.ts): it also needs its classifier to filter the incident. */
  classifier: AssistClassifier | null;
}

export interface RuleIncident {
  seriesId: string;
  /** Start, epoch ms. */
  start: number;
  peakScore: number;
  /** What an assist rule's classifier reads; an incident without it is never filtered by one. */
  shape?: IncidentShape;
}

export const utcHour = (t: number) => Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
/** ISO weekday (1 = Monday) of `t` in UTC; 1970-01-01 was a Thursday (4). */
export const isoWeekday = (t: number) => ((((Math.floor(t / DAY_MS) + 3) % 7) + 7) % 7) + 1;

export function inHours(hour: number, from: number | null, to: number | null): boolean {
  if (from === null || to === null) return true;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

export function matchesRule(rule: RuleConditions, i: RuleIncident): boolean {
  if (rule.seriesId !== null && rule.seriesId !== i.seriesId) return false;
  if (rule.scoreBelow !== null && !(i.peakScore < rule.scoreBelow)) return false;
  if (rule.weekdays.length > 0 && !rule.weekdays.includes(isoWeekday(i.start))) return false;
  return inHours(utcHour(i.start), rule.hourFrom, rule.hourTo);
}

/** The first enabled rule (in the order given: oldest first) that matches, or null. */
export function suppressingRule(rules: readonly SuppressionRuleSpec[], i: RuleIncident): string | null {
  return rules.find((r) => r.enabled && matchesRule(r, i) && (!r.classifier || (i.shape !== undefined && assistFilters(r.classifier, i.shape))))?.id ?? null;
}

const DAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;

/** "series cpu (s1), 02:00–04:00 UTC, Mon, peak score below 0.62" */
export function describeRule(r: RuleConditions & { classifier?: unknown }, seriesName?: (id: string) => string): string {
  const parts = [r.seriesId ? `series ${seriesName ? seriesName(r.seriesId) : r.seriesId}` : "every series"];
  const cutoff = (r.classifier as { cutoff?: unknown } | null | undefined)?.cutoff;
  if (typeof cutoff === "number") parts.push(`assist classifier: P(true positive) below ${cutoff.toFixed(2)}`);
  if (r.hourFrom !== null && r.hourTo !== null) parts.push(`${hh(r.hourFrom)}–${hh(r.hourTo)} UTC`);
  if (r.weekdays.length) parts.push([...r.weekdays].sort().map((d) => DAYS[d]).join(", "));
  if (r.scoreBelow !== null) parts.push(`peak score below ${r.scoreBelow.toFixed(2)}`);
  return parts.join(", ");
}

/** An incident as the labels judge it: its current label, if any (lib/feedback/evaluate.ts `classifyEvent`). */
export interface JudgedIncident extends RuleIncident {
  verdict: "tp" | "fp" | "unsure" | "unlabelled";
}

export interface RuleWhatIf {
  falsePositives: { flagged: number; removed: number };
  truePositives: { found: number; lost: number };
  unlabelledSuppressed: number;
  /** Alerting incidents per day over the period, today and with the rule. */
  perDay: { before: number; after: number };
  suppressed: number;
  sentence: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the rule would have done to the incidents that alert today (those no enabled rule suppresses). */
export function ruleWhatIf(rule: RuleConditions, alerting: readonly JudgedIncident[], days: number): RuleWhatIf {
  const hit = alerting.filter((i) => matchesRule(rule, i));
  const count = (xs: readonly JudgedIncident[], v: JudgedIncident["verdict"]) => xs.filter((i) => i.verdict === v).length;
  const w = {
    falsePositives: { flagged: count(alerting, "fp"), removed: count(hit, "fp") },
    truePositives: { found: count(alerting, "tp"), lost: count(hit, "tp") },
    unlabelledSuppressed: count(hit, "unlabelled") + count(hit, "unsure"),
    perDay: { before: alerting.length / Math.max(1, days), after: (alerting.length - hit.length) / Math.max(1, days) },
    suppressed: hit.length,
  };
  const tp = w.truePositives.lost === 0 ? "lost no true positive" : `lost ${w.truePositives.lost} of ${plural(w.truePositives.found, "true positive")}`;
  const perDay = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  const sentence =
    `This rule would have suppressed ${plural(w.suppressed, "anomaly", "anomalies")} in the last ${plural(days, "day")}: ` +
    `removed ${w.falsePositives.removed} of ${plural(w.falsePositives.flagged, "false positive")}, ${tp}` +
    `${w.unlabelledSuppressed ? ` and ${w.unlabelledSuppressed} unlabelled` : ""}; ${perDay(w.perDay.after)} anomalies a day instead of ${perDay(w.perDay.before)}.`;
  return { ...w, sentence };
}

/** False positives a proposal must remove, and how many more than the true positives it loses. */
export const MIN_FP_FOR_RULE = 3;

export interface RuleProposal extends RuleConditions {
  kind: "hours" | "weekday-hours" | "score";
  why: string;
}

const hoursOf = (xs: readonly JudgedIncident[]) => xs.map((i) => utcHour(i.start));

/**
 * The window of 1 to 3 hours with the most false positives per hour (then the most false
 * positives), and fewer true positives than half of them: a wider window wins only when its every
 * hour carries as many false positives, so a cluster is not padded with quiet hours around it.
 */
function bestHourWindow(fps: readonly JudgedIncident[], tps: readonly JudgedIncident[]): { from: number; to: number; fp: number; density: number } | null {
  const fpHours = hoursOf(fps);
  const tpHours = hoursOf(tps);
  let best: { from: number; to: number; fp: number; density: number } | null = null;
  for (let width = 1; width <= 3; width++) {
    for (let from = 0; from < 24; from++) {
      const to = (from + width) % 24;
      const fp = fpHours.filter((h) => inHours(h, from, to)).length;
      const tp = tpHours.filter((h) => inHours(h, from, to)).length;
      if (fp < MIN_FP_FOR_RULE || tp * 2 >= fp) continue;
      const density = fp / width;
      if (!best || density > best.density || (density === best.density && fp > best.fp)) best = { from, to, fp, density };
    }
  }
  return best;
}

const empty: RuleConditions = { seriesId: null, hourFrom: null, hourTo: null, weekdays: [], scoreBelow: null };

/**
 * Rules proposed from the labelled incidents, per series: a time-of-day window where false
 * positives cluster; the same window on the one weekday they recur on; and a peak score below
 * which there are false positives but no true positive (the midpoint between the highest such
 * false positive and the lowest true positive). Each needs MIN_FP_FOR_RULE false positives and
 * is judged by its what-if before anyone applies it.
 */
export function proposeRules(incidents: readonly JudgedIncident[]): RuleProposal[] {
  const out: RuleProposal[] = [];
  const bySeries = new Map<string, JudgedIncident[]>();
  for (const i of incidents) bySeries.set(i.seriesId, [...(bySeries.get(i.seriesId) ?? []), i]);
  for (const [seriesId, list] of [...bySeries.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const fps = list.filter((i) => i.verdict === "fp");
    const tps = list.filter((i) => i.verdict === "tp");
    if (fps.length < MIN_FP_FOR_RULE) continue;
    const w = bestHourWindow(fps, tps);
    if (w) {
      out.push({ ...empty, kind: "hours", seriesId, hourFrom: w.from, hourTo: w.to, why: `${w.fp} false positives started between ${hh(w.from)} and ${hh(w.to)} UTC` });
      const inWindow = fps.filter((i) => inHours(utcHour(i.start), w.from, w.to));
      const days = new Map<number, number>();
      for (const i of inWindow) days.set(isoWeekday(i.start), (days.get(isoWeekday(i.start)) ?? 0) + 1);
      const [day, n] = [...days.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
      if (n >= MIN_FP_FOR_RULE && n < inWindow.length) {
        out.push({ ...empty, kind: "weekday-hours", seriesId, hourFrom: w.from, hourTo: w.to, weekdays: [day], why: `${n} of them on ${DAYS[day]}s` });
      }
    }
    if (tps.length > 0) {
      const lowestTp = Math.min(...tps.map((i) => i.peakScore));
      const below = fps.filter((i) => i.peakScore < lowestTp);
      if (below.length >= MIN_FP_FOR_RULE) {
        const highestFp = Math.max(...below.map((i) => i.peakScore));
        const cut = Math.ceil(((highestFp + lowestTp) / 2) * 100) / 100;
        if (cut > highestFp && cut <= lowestTp) {
          out.push({ ...empty, kind: "score", seriesId, scoreBelow: cut, why: `${below.length} false positives peaked below every true positive (lowest ${lowestTp.toFixed(2)})` });
        }
      }
    }
  }
  return out;
}
