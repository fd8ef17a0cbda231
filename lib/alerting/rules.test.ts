import { describe, expect, it } from "vitest";
import { checkRule, type RuleSpec } from "@/lib/alerting/rules";
import { planDecisions, type ExistingDelivery } from "@/lib/alerting/plan";
import { sampleContext } from "@/lib/alerting/testing/context";

const now = new Date("2026-12-03T10:08:00Z");
const rule = (over: Partial<RuleSpec> = {}): RuleSpec => ({
  id: "ru_1", name: "r", enabled: true, detectorId: null, sourceId: null, matchers: [], minSeverity: "MEDIUM", direction: "ANY",
  minDeviation: null, deviationUnit: "PERCENT", minDurationSeconds: 0, notifyResolved: true, includeHistorical: false,
  cooldownMinutes: 30, channelId: "ch_1", muteTimings: [], muteTimeZone: "UTC", escalateAfterMinutes: null, escalationChannelId: null,
  groupWaitSeconds: null, groupBy: [], groupIntervalMinutes: 5, ...over,
});

describe("checkRule", () => {
  const ctx = sampleContext();
  it("matches by source, detector, labels, severity and direction, and says why not", () => {
    expect(checkRule(rule(), ctx, now)).toEqual({ match: true });
    expect(checkRule(rule({ detectorId: "other" }), ctx, now)).toEqual({ match: false, reason: "another detector" });
    expect(checkRule(rule({ sourceId: "so_1", detectorId: "de_1" }), ctx, now).match).toBe(true);
    expect(checkRule(rule({ matchers: [{ name: "env", op: "=~", value: "prod|staging" }, { name: "host", op: "!=", value: "web-1" }] }), ctx, now)).toEqual({
      match: false,
      reason: 'label matcher host!="web-1" does not hold',
    });
    expect(checkRule(rule({ minSeverity: "CRITICAL" }), ctx, now)).toEqual({ match: false, reason: "severity high below critical" });
    expect(checkRule(rule({ direction: "BELOW" }), ctx, now)).toEqual({ match: false, reason: "value above expected; rule wants below" });
    expect(checkRule(rule({ direction: "ABOVE" }), ctx, now).match).toBe(true);
  });

  it("measures deviation in percent or absolute", () => {
    // 93.2 vs 41: 52.2 absolute, 127.3 %
    expect(checkRule(rule({ minDeviation: 100 }), ctx, now).match).toBe(true);
    expect(checkRule(rule({ minDeviation: 150 }), ctx, now)).toEqual({ match: false, reason: "deviation 127% below 150%" });
    expect(checkRule(rule({ minDeviation: 60, deviationUnit: "ABSOLUTE" }), ctx, now)).toEqual({ match: false, reason: "deviation 52.2 below 60.0" });
    expect(checkRule(rule({ minDeviation: 1 }), sampleContext({ expected: null }), now).match).toBe(false);
  });

  it("waits for the minimum duration while the episode is open", () => {
    expect(checkRule(rule({ minDurationSeconds: 300 }), ctx, now).match).toBe(true);
    expect(checkRule(rule({ minDurationSeconds: 600 }), ctx, now)).toEqual({ match: false, reason: "lasted 300 s of the 600 s required", pending: true });
  });

  it("ignores old data unless asked", () => {
    const late = new Date("2026-12-03T12:00:00Z");
    expect(checkRule(rule(), ctx, late).match).toBe(false);
    expect(checkRule(rule({ includeHistorical: true }), ctx, late).match).toBe(true);
  });
});

describe("escalation", () => {
  const esc = rule({ escalateAfterMinutes: 10, escalationChannelId: "ch_2" });
  const sent = (minutesAgo: number) => [{ ruleId: "ru_1", kind: "FIRING" as const, status: "SENT" as const, sentAt: new Date(now.getTime() - minutesAgo * 60_000) }];
  const plan = (over: Parameters<typeof sampleContext>[0], existing: ExistingDelivery[]) =>
    planDecisions({ ctx: sampleContext(over), rules: [esc], existing, silences: [], lastAlertOnSeries: new Map(), now });
  it("goes to the second channel once the firing has been unacknowledged long enough", () => {
    expect(plan({}, sent(9))).toEqual([]);
    expect(plan({}, sent(10))).toEqual([{ key: "ru_1:an_1:ESCALATED", ruleId: "ru_1", channelId: "ch_2", kind: "ESCALATED", status: "PENDING", reason: null, silenceId: null, grouped: false, release: false, notBefore: null }]);
    expect(plan({}, [...sent(30), { ruleId: "ru_1", kind: "ESCALATED", status: "SENT" }])).toEqual([]);
  });
  it("not when acknowledged, resolved or the firing was not sent", () => {
    expect(plan({ status: "ACKNOWLEDGED" }, sent(30))).toEqual([]);
    expect(plan({ ongoing: false }, sent(30)).map((d) => d.kind)).toEqual(["RESOLVED"]);
    expect(plan({}, [{ ruleId: "ru_1", kind: "FIRING", status: "FAILED", sentAt: null }])).toEqual([]);
  });
});

describe("mute timings", () => {
  const quiet = { muteTimings: [{ weekdays: ["thu" as const], start: "10:00", end: "11:00" }], muteTimeZone: "UTC" };
  it("hold a firing while the quiet hours last (nothing recorded), and hold a resolve until they end", () => {
    expect(checkRule(rule(quiet), sampleContext(), now)).toEqual({ match: false, reason: "muted (quiet hours thu 10:00-11:00 UTC)", pending: true });
    expect(checkRule(rule(quiet), sampleContext(), new Date("2026-12-03T11:00:00Z")).match).toBe(true);
    expect(planDecisions({ ctx: sampleContext(), rules: [rule(quiet)], existing: [], silences: [], lastAlertOnSeries: new Map(), now })).toEqual([]);
    const resolved = planDecisions({ ctx: sampleContext({ ongoing: false }), rules: [rule(quiet)], existing: [{ ruleId: "ru_1", kind: "FIRING", status: "SENT" }], silences: [], lastAlertOnSeries: new Map(), now });
    expect(resolved).toMatchObject([
      { kind: "RESOLVED", status: "PENDING", reason: "held: muted (quiet hours thu 10:00-11:00 UTC); sent when they end at 2026-12-03T11:00:00.000Z", notBefore: new Date("2026-12-03T11:00:00Z") },
    ]);
  });
});

describe("planDecisions", () => {
  const base = { rules: [rule()], existing: [] as ExistingDelivery[], silences: [], lastAlertOnSeries: new Map<string, Date>(), now };

  it("an open episode: one pending firing per matching rule, keyed (rule, anomaly, kind)", () => {
    expect(planDecisions({ ...base, ctx: sampleContext(), rules: [rule(), rule({ id: "ru_2", minSeverity: "CRITICAL" })] })).toEqual([
      { key: "ru_1:an_1:FIRING", ruleId: "ru_1", channelId: "ch_1", kind: "FIRING", status: "PENDING", reason: null, silenceId: null, grouped: false, release: false, notBefore: null },
    ]);
  });

  it("a suppressed incident is decided and recorded SUPPRESSED, never sent; so is its resolve after a firing sent before the rule", () => {
    expect(planDecisions({ ...base, ctx: sampleContext({ suppressedById: "sr_1" }) })).toEqual([
      { key: "ru_1:an_1:FIRING", ruleId: "ru_1", channelId: "ch_1", kind: "FIRING", status: "SUPPRESSED", reason: "suppression rule sr_1", silenceId: null, grouped: false, release: false, notBefore: null },
    ]);
    const resolved = planDecisions({ ...base, ctx: sampleContext({ ongoing: false, suppressedById: "sr_1" }), existing: [{ ruleId: "ru_1", kind: "FIRING", status: "SENT" }] });
    expect(resolved.map((d) => [d.kind, d.status, d.reason])).toEqual([["RESOLVED", "SUPPRESSED", "suppression rule sr_1"]]);
  });

  it("a firing a suppression rule held goes out once the rule no longer holds the open incident", () => {
    const held: ExistingDelivery[] = [{ ruleId: "ru_1", kind: "FIRING", status: "SUPPRESSED", reason: "suppression rule sr_1" }];
    expect(planDecisions({ ...base, ctx: sampleContext(), existing: held })).toEqual([
      { key: "ru_1:an_1:FIRING", ruleId: "ru_1", channelId: "ch_1", kind: "FIRING", status: "PENDING", reason: "held by suppression rule sr_1, which no longer holds it while the episode is open; sent after it", silenceId: null, grouped: false, release: true, notBefore: null },
    ]);
    // Still held (by this rule or another), ended meanwhile, or held for another reason (cooldown): nothing.
    expect(planDecisions({ ...base, ctx: sampleContext({ suppressedById: "sr_2" }), existing: held })).toEqual([]);
    expect(planDecisions({ ...base, ctx: sampleContext({ ongoing: false }), existing: held })).toEqual([]);
    expect(planDecisions({ ...base, ctx: sampleContext(), existing: [{ ...held[0], reason: "cooldown: this rule alerted on the series at 2026-12-03T09:00:00.000Z (60 min)" }] })).toEqual([]);
  });

  it("nothing twice: an existing firing is not decided again; resolve follows a sent firing once", () => {
    const ctx = sampleContext({ ongoing: false });
    expect(planDecisions({ ...base, ctx: sampleContext(), existing: [{ ruleId: "ru_1", kind: "FIRING", status: "SENT" }] })).toEqual([]);
    expect(planDecisions({ ...base, ctx, existing: [{ ruleId: "ru_1", kind: "FIRING", status: "PENDING" }] })).toEqual([]);
    expect(planDecisions({ ...base, ctx, existing: [{ ruleId: "ru_1", kind: "FIRING", status: "SENT" }] }).map((d) => [d.key, d.status])).toEqual([["ru_1:an_1:RESOLVED", "PENDING"]]);
    expect(planDecisions({ ...base, ctx, existing: [{ ruleId: "ru_1", kind: "FIRING", status: "SENT" }, { ruleId: "ru_1", kind: "RESOLVED", status: "SENT" }] })).toEqual([]);
    expect(planDecisions({ ...base, ctx, rules: [rule({ notifyResolved: false })], existing: [{ ruleId: "ru_1", kind: "FIRING", status: "SENT" }] })).toEqual([]);
  });

  it("an episode that ended before it was announced sends one message", () => {
    expect(planDecisions({ ...base, ctx: sampleContext({ ongoing: false }) }).map((d) => [d.kind, d.status])).toEqual([["FIRING", "PENDING"], ["RESOLVED", "SUPPRESSED"]]);
  });

  it("a silence suppresses and is recorded; cooldown per rule and series", () => {
    const silence = { id: "si_1", matchers: [{ name: "host", op: "=" as const, value: "web-1" }], startsAt: new Date("2026-12-03T10:00:00Z"), endsAt: new Date("2026-12-03T11:00:00Z") };
    expect(planDecisions({ ...base, ctx: sampleContext(), silences: [silence] })).toEqual([
      { key: "ru_1:an_1:FIRING", ruleId: "ru_1", channelId: "ch_1", kind: "FIRING", status: "SUPPRESSED", reason: "silenced", silenceId: "si_1", grouped: false, release: false, notBefore: null },
    ]);
    const expired = { ...silence, endsAt: new Date("2026-12-03T10:05:00Z") };
    expect(planDecisions({ ...base, ctx: sampleContext(), silences: [expired] })[0].status).toBe("PENDING");
    const cool = planDecisions({ ...base, ctx: sampleContext(), lastAlertOnSeries: new Map([["ru_1", new Date("2026-12-03T09:50:00Z")]]) });
    expect(cool[0]).toMatchObject({ status: "SUPPRESSED", reason: expect.stringMatching(/^cooldown/) });
    const after = planDecisions({ ...base, ctx: sampleContext(), lastAlertOnSeries: new Map([["ru_1", new Date("2026-12-03T09:30:00Z")]]) });
    expect(after[0].status).toBe("PENDING");
    // Without a cooldown, a concurrent decision stamped just after `now` suppresses nothing.
    const racing = planDecisions({ ...base, rules: [rule({ cooldownMinutes: 0 })], ctx: sampleContext(), lastAlertOnSeries: new Map([["ru_1", new Date(now.getTime() + 5)]]) });
    expect(racing[0].status).toBe("PENDING");
  });
});

describe("held decisions", () => {
  const base = { rules: [rule()], silences: [], lastAlertOnSeries: new Map<string, Date>(), now };
  const held: ExistingDelivery = { ruleId: "ru_1", kind: "FIRING", status: "SUPPRESSED", silenceId: "si_1" };
  const silence = { id: "si_1", matchers: [{ name: "host", op: "=" as const, value: "web-1" }], startsAt: new Date("2026-12-03T10:00:00Z"), endsAt: new Date("2026-12-03T11:00:00Z") };

  it("a firing a silence held is released once the silence has ended, if the episode is still open", () => {
    expect(planDecisions({ ...base, ctx: sampleContext(), existing: [held], silences: [silence] })).toEqual([]);
    expect(planDecisions({ ...base, ctx: sampleContext(), existing: [held] })).toMatchObject([{ key: "ru_1:an_1:FIRING", status: "PENDING", release: true, silenceId: "si_1" }]);
    expect(planDecisions({ ...base, ctx: sampleContext({ ongoing: false }), existing: [held] })).toEqual([]);
    expect(planDecisions({ ...base, ctx: sampleContext(), existing: [{ ...held, silenceId: null, reason: "cooldown" } as ExistingDelivery] })).toEqual([]);
  });

  it("a grouped rule marks its firing and resolve decisions, never its escalations", () => {
    const grouped = rule({ groupWaitSeconds: 30, groupBy: ["host"] });
    expect(planDecisions({ ...base, rules: [grouped], ctx: sampleContext(), existing: [] })).toMatchObject([{ kind: "FIRING", grouped: true }]);
    expect(planDecisions({ ...base, rules: [grouped], ctx: sampleContext({ ongoing: false }), existing: [{ ruleId: "ru_1", kind: "FIRING", status: "SENT" }] })).toMatchObject([{ kind: "RESOLVED", grouped: true }]);
  });
});
