import { describe, expect, it } from "vitest";
import { MASK, mergeConfig, redactConfig, ZCreateChannel, ZCreateRule, ZCreateSilence } from "@/lib/alerting/schemas";

describe("channel configs", () => {
  it("mask secrets in answers, and a masked value sent back keeps the stored one", () => {
    const stored = { url: "https://hooks.slack.com/services/T0/B0/secret", headers: { Authorization: "Bearer x", "X-Team": "sre" }, password: "p" };
    const shown = redactConfig("SLACK", stored);
    expect(shown).toEqual({ url: `https://hooks.slack.com/${MASK}`, headers: { Authorization: MASK, "X-Team": MASK }, password: MASK });
    expect(mergeConfig("SLACK", stored, shown)).toEqual(stored);
    expect(mergeConfig("WEBHOOK", stored, { headers: { Authorization: MASK, "X-New": "1" } }).headers).toEqual({ Authorization: "Bearer x", "X-New": "1" });
  });

  it("refuse headers Vigil sets, line breaks, and non-http URLs, naming the field", () => {
    const bad = ZCreateChannel.safeParse({ kind: "WEBHOOK", name: "h", config: { url: "ftp://x", headers: { "Vigil-Signature": "x", "X-A": "a\nb" } } });
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["config.url", "config.headers.Vigil-Signature", "config.headers.X-A"]));
  });
});

describe("rules and silences", () => {
  it("defaults a rule to high severity, 30 min cooldown, resolve notices, no old data, UTC", () => {
    expect(ZCreateRule.parse({ name: "r", channelId: "c" })).toMatchObject({
      minSeverity: "HIGH", cooldownMinutes: 30, notifyResolved: true, includeHistorical: false, muteTimings: [], muteTimeZone: "UTC", escalateAfterMinutes: null,
    });
  });

  it("a silence needs matchers and an end", () => {
    expect(ZCreateSilence.safeParse({ matchers: [], durationMinutes: 10 }).error!.issues[0].path).toEqual(["matchers"]);
    expect(ZCreateSilence.safeParse({ matchers: [{ name: "host", op: "=", value: "a" }] }).error!.issues[0].path).toEqual(["endsAt"]);
  });
});
