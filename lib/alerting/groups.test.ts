import { describe, expect, it } from "vitest";
import { groupIdentity, groupTitle, nextBatchAt, type GroupMessage } from "@/lib/alerting/groups";
import { buildWebhookBody } from "@/lib/alerting/messages/webhook";
import { buildSlackMessage } from "@/lib/alerting/messages/slack";
import { buildEmail } from "@/lib/alerting/messages/email";
import { buildAlertmanagerAlerts } from "@/lib/alerting/messages/alertmanager";
import { sampleContext } from "@/lib/alerting/testing/context";

const member = (id: string, metric: string, start: string) => {
  const c = sampleContext({ id, startTs: new Date(start) });
  return { ...c, series: { ...c.series, id: `se_${id}`, metric }, url: `https://vigil.example.com/anomalies/${id}` };
};
const group = (n: number, total = n): GroupMessage => ({
  id: "gr_1", key: "ru_1:gr_1:FIRING:1", labels: { host: "web-1" }, total,
  members: ["cpu", "mem", "disk", "net", "load", "swap"].slice(0, n).map((m, i) => member(`an_${i}`, m, `2026-12-03T10:0${2 + i}:00Z`)),
});
const meta = { event: "anomaly.firing" as const, idempotencyKey: "ru_1:gr_1:FIRING:1", rule: { id: "ru_1", name: "prod" }, sentAt: new Date("2026-12-03T10:09:00Z") };

describe("group identity and timing", () => {
  it("keys by source and the rule's group-by labels; an absent label reads as empty", () => {
    expect(groupIdentity({ groupBy: ["host"] }, sampleContext())).toEqual({ key: "so_1|host=web-1", labels: { host: "web-1" } });
    expect(groupIdentity({ groupBy: ["env", "dc"] }, sampleContext())).toEqual({ key: "so_1|env=prod,dc=", labels: { env: "prod", dc: "" } });
    expect(groupIdentity({ groupBy: [] }, sampleContext()).key).toBe("so_1|");
  });

  it("the first batch waits from the opening; later ones keep the interval after the last batch", () => {
    const rule = { groupWaitSeconds: 30, groupIntervalMinutes: 5 };
    const openedAt = new Date("2026-12-03T10:00:00Z");
    expect(nextBatchAt(rule, { openedAt, lastBatchAt: null }, openedAt).toISOString()).toBe("2026-12-03T10:00:30.000Z");
    const last = new Date("2026-12-03T10:00:30Z");
    expect(nextBatchAt(rule, { openedAt, lastBatchAt: last }, new Date("2026-12-03T10:02:00Z")).toISOString()).toBe("2026-12-03T10:05:30.000Z");
    expect(nextBatchAt(rule, { openedAt, lastBatchAt: last }, new Date("2026-12-03T10:09:00Z")).toISOString()).toBe("2026-12-03T10:09:00.000Z");
  });
});

describe("group messages", () => {
  it("title: how many series of which source since when; later batches say how many in all", () => {
    expect(groupTitle(group(5), false)).toBe("5 series of web-1 <prod> anomalous since 10:02 UTC: cpu, mem, disk, net, load");
    expect(groupTitle(group(6), false)).toBe("6 series of web-1 <prod> anomalous since 10:02 UTC: cpu, mem, disk, net, load, ...");
    expect(groupTitle(group(2, 7), false)).toBe("2 more series of web-1 <prod> (7 in all) anomalous since 10:02 UTC: cpu, mem");
    expect(groupTitle(group(3, 7), true)).toBe("3 series of web-1 <prod> resolved: cpu, mem, disk");
  });

  it("every channel lists the members; Alertmanager gets one alert per member in one post", () => {
    const g = group(3);
    const body = buildWebhookBody(g.members[0], { ...meta, group: g });
    expect(body.group).toMatchObject({ id: "gr_1", count: 3, total: 3, labels: { host: "web-1" } });
    expect(body.group!.members.map((m) => m.anomaly.id)).toEqual(["an_0", "an_1", "an_2"]);
    expect(buildWebhookBody(g.members[0], meta)).not.toHaveProperty("group");
    const slack = buildSlackMessage(g.members[0], { ...meta, group: g });
    expect(slack.text).toMatch(/^Anomalies: 3 series of web-1 <prod>/);
    expect(JSON.stringify(slack.blocks)).toContain("<https://vigil.example.com/anomalies/an_2|disk{host=\\\"web-1\\\", env=\\\"prod\\\"}: HIGH");
    const mail = buildEmail(g.members[0], { ...meta, event: "anomaly.resolved", group: g });
    expect(mail.subject).toBe("[Vigil] Resolved: 3 series of web-1 <prod> resolved: cpu, mem, disk");
    expect(mail.html).toContain("web-1 &lt;prod&gt;");
    expect(mail.text).toContain("https://vigil.example.com/anomalies/an_1");
    const alerts = buildAlertmanagerAlerts(g.members[0], { ...meta, group: g });
    expect(alerts.map((a) => [a.labels.metric, a.annotations.vigil_anomaly_id])).toEqual([["cpu", "an_0"], ["mem", "an_1"], ["disk", "an_2"]]);
  });
});
