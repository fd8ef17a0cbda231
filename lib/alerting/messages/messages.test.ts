import { describe, expect, it } from "vitest";
import { buildWebhookBody, WEBHOOK_SCHEMA_VERSION, type MessageMeta } from "@/lib/alerting/messages/webhook";
import { buildSlackMessage } from "@/lib/alerting/messages/slack";
import { buildEmail } from "@/lib/alerting/messages/email";
import { buildAlertmanagerAlerts, FIRING_HORIZON_MS } from "@/lib/alerting/messages/alertmanager";
import { sampleContext } from "@/lib/alerting/testing/context";

const meta: MessageMeta = { event: "anomaly.firing", idempotencyKey: "ru_1:an_1:FIRING", rule: { id: "ru_1", name: "prod cpu" }, sentAt: new Date("2026-12-03T10:07:30Z") };

describe("webhook body v1", () => {
  it("carries the anomaly, series, detector, why and link", () => {
    const body = buildWebhookBody(sampleContext(), meta);
    expect(body).toMatchObject({
      version: WEBHOOK_SCHEMA_VERSION,
      event: "anomaly.firing",
      idempotencyKey: "ru_1:an_1:FIRING",
      rule: { id: "ru_1", name: "prod cpu" },
      anomaly: {
        id: "an_1",
        url: "https://vigil.example.com/anomalies/an_1",
        severity: "high",
        resolved: false,
        startsAt: "2026-12-03T10:02:00.000Z",
        endsAt: null,
        actual: 93.2,
        expected: 41,
        direction: "above",
        why: "93.2 is above the expected 41.0 (normal 30.0 to 52.0) so far for 6 points; score 0.97, threshold 0.60.",
      },
      series: { metric: "cpu.usage", labels: { host: "web-1", env: "prod" } },
      detector: { name: "cpu zscore", algorithm: "zscore", threshold: 0.6 },
    });
  });

  it("a resolved episode has its end", () => {
    const body = buildWebhookBody(sampleContext({ ongoing: false }), { ...meta, event: "anomaly.resolved" });
    expect(body.anomaly).toMatchObject({ resolved: true, endsAt: "2026-12-03T10:07:00.000Z" });
  });
});

describe("Slack message", () => {
  it("has severity, series, value against expected, and a button to the anomaly; text is escaped", () => {
    const msg = buildSlackMessage(sampleContext(), meta);
    const json = JSON.stringify(msg);
    expect(msg.text).toContain("https://vigil.example.com/anomalies/an_1");
    expect(json).toContain("web-1 &lt;prod&gt;");
    expect(json).toContain("93.2 vs expected 41.0 (normal 30.0–52.0)");
    expect(msg.blocks.at(-1)).toEqual({
      type: "actions",
      elements: [{ type: "button", text: { type: "plain_text", text: "Open anomaly" }, url: "https://vigil.example.com/anomalies/an_1", style: "primary" }],
    });
    expect(msg.blocks[0]).toMatchObject({ text: { text: 'Anomaly: HIGH on cpu.usage{host="web-1", env="prod"}' } });
  });
});

describe("e-mail", () => {
  it("has text and HTML parts with the link, HTML-escaped", () => {
    const mail = buildEmail(sampleContext(), meta);
    expect(mail.subject).toBe('[Vigil] HIGH: anomaly on cpu.usage{host="web-1", env="prod"} (web-1 <prod>)');
    expect(mail.text).toContain("Open it: https://vigil.example.com/anomalies/an_1");
    expect(mail.text).toContain("Value: 93.2 vs expected 41.0");
    expect(mail.html).toContain('<a href="https://vigil.example.com/anomalies/an_1">');
    expect(mail.html).toContain("web-1 &lt;prod&gt;");
    expect(mail.html).not.toContain("<prod>");
  });
});

describe("Alertmanager alerts", () => {
  it("labels from series and detector; firing ends a horizon ahead, resolved at its end", () => {
    const [firing] = buildAlertmanagerAlerts(sampleContext(), meta);
    expect(firing.labels).toEqual({ host: "web-1", env: "prod", alertname: "VigilAnomaly", metric: "cpu.usage", source: "web-1 <prod>", detector: "cpu zscore", severity: "high" });
    expect(firing.startsAt).toBe("2026-12-03T10:02:00.000Z");
    expect(Date.parse(firing.endsAt)).toBe(meta.sentAt.getTime() + FIRING_HORIZON_MS);
    expect(firing.generatorURL).toBe("https://vigil.example.com/anomalies/an_1");
    const [resolved] = buildAlertmanagerAlerts(sampleContext({ ongoing: false }), { ...meta, event: "anomaly.resolved" });
    expect(resolved.endsAt).toBe("2026-12-03T10:07:00.000Z");
  });
});
