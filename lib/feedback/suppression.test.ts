import { describe, expect, it } from "vitest";
import { describeRule, isoWeekday, matchesRule, proposeRules, ruleWhatIf, suppressingRule, utcHour, type JudgedIncident, type RuleConditions } from "@/lib/feedback/suppression";

const H = 3_600_000;
const D = 24 * H;
// 2026-11-02 was a Monday.
const MONDAY = Date.UTC(2026, 10, 2);
const rule = (r: Partial<RuleConditions>): RuleConditions => ({ seriesId: null, hourFrom: null, hourTo: null, weekdays: [], scoreBelow: null, ...r });
const inc = (day: number, hour: number, verdict: JudgedIncident["verdict"], peakScore = 0.7, seriesId = "s1"): JudgedIncident => ({ seriesId, start: MONDAY + day * D + hour * H + 5 * 60_000, peakScore, verdict });

describe("matching", () => {
  it("reads UTC hours and ISO weekdays", () => {
    expect(utcHour(MONDAY + 2 * H + 59 * 60_000)).toBe(2);
    expect(isoWeekday(MONDAY)).toBe(1);
    expect(isoWeekday(MONDAY + 6 * D)).toBe(7);
    expect(isoWeekday(Date.UTC(1969, 11, 31))).toBe(3);
  });

  it("holds every condition it sets; hours wrap past midnight", () => {
    const night = rule({ hourFrom: 22, hourTo: 2 });
    expect(matchesRule(night, inc(0, 23, "fp"))).toBe(true);
    expect(matchesRule(night, inc(0, 1, "fp"))).toBe(true);
    expect(matchesRule(night, inc(0, 2, "fp"))).toBe(false);
    expect(matchesRule(rule({ seriesId: "s2" }), inc(0, 1, "fp"))).toBe(false);
    expect(matchesRule(rule({ weekdays: [2] }), inc(1, 1, "fp"))).toBe(true);
    expect(matchesRule(rule({ weekdays: [2] }), inc(0, 1, "fp"))).toBe(false);
    expect(matchesRule(rule({ scoreBelow: 0.7 }), inc(0, 1, "fp", 0.7))).toBe(false);
    expect(matchesRule(rule({ scoreBelow: 0.71 }), inc(0, 1, "fp", 0.7))).toBe(true);
  });

  it("names the first enabled rule that matches", () => {
    const rules = [
      { id: "off", enabled: false, classifier: null, ...rule({}) },
      { id: "a", enabled: true, classifier: null, ...rule({ seriesId: "s2" }) },
      { id: "b", enabled: true, classifier: null, ...rule({ hourFrom: 0, hourTo: 6 }) },
    ];
    expect(suppressingRule(rules, inc(0, 3, "fp"))).toBe("b");
    expect(suppressingRule(rules, inc(0, 9, "fp"))).toBeNull();
    expect(describeRule({ ...rule({ seriesId: "s1", hourFrom: 2, hourTo: 4, weekdays: [1], scoreBelow: 0.62 }) })).toBe("series s1, 02:00–04:00 UTC, Mon, peak score below 0.62");
  });
});

describe("proposeRules and ruleWhatIf", () => {
  // A nightly job at 02:xx raises false alarms on four Mondays and one Tuesday; real incidents happen in the afternoon.
  const history: JudgedIncident[] = [
    inc(0, 2, "fp", 0.55), inc(7, 2, "fp", 0.6), inc(14, 2, "fp", 0.52), inc(21, 2, "fp", 0.58), inc(22, 2, "fp", 0.57),
    inc(3, 15, "tp", 0.9), inc(10, 16, "tp", 0.8), inc(12, 9, "unlabelled", 0.65), inc(5, 2, "tp", 0.95, "s2"),
  ];

  it("proposes the hour window, the recurring weekday and a score floor", () => {
    const p = proposeRules(history);
    expect(p.map((r) => [r.kind, r.seriesId, r.hourFrom, r.hourTo, r.weekdays, r.scoreBelow])).toEqual([
      ["hours", "s1", 2, 3, [], null],
      ["weekday-hours", "s1", 2, 3, [1], null],
      ["score", "s1", null, null, [], 0.7],
    ]);
    expect(p[0].why).toBe("5 false positives started between 02:00 and 03:00 UTC");
  });

  it("proposes nothing from fewer than three false positives", () => {
    expect(proposeRules(history.filter((i) => i.verdict !== "fp" || i.peakScore > 0.575))).toEqual([]);
  });

  it("says what a rule would have done: false positives removed, true positives lost, volume", () => {
    const w = ruleWhatIf(rule({ seriesId: "s1", hourFrom: 2, hourTo: 3 }), history, 30);
    expect(w).toMatchObject({ falsePositives: { flagged: 5, removed: 5 }, truePositives: { found: 3, lost: 0 }, suppressed: 5, unlabelledSuppressed: 0 });
    expect(w.sentence).toBe("This rule would have suppressed 5 anomalies in the last 30 days: removed 5 of 5 false positives, lost no true positive; 0.1 anomalies a day instead of 0.3.");
    const wide = ruleWhatIf(rule({ hourFrom: 2, hourTo: 3 }), history, 30);
    expect(wide.truePositives.lost).toBe(1);
    expect(wide.sentence).toContain("lost 1 of 3 true positives");
  });
});
