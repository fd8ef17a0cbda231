/**
 * Documented answers match real ones, for the alerting routes: channels, rules, silences and the
 * delivery log (per channel, recent, per anomaly). Real handlers, a real database, a real webhook
 * receiver; each answer validated against the served document (test/documented-responses.ts).
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest as send, routeContext as ctx, withSignedInUser } from "@/test/route-requests";
import { documentedSchema, expectDocumented, provenOperations } from "@/test/documented-responses";
import { OPERATIONS } from "@/lib/openapi/operations";
import { getPrisma } from "@/lib/server/db";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createSeriesWithDetector } from "@/lib/alerting/testing/fixtures";
import * as channels from "@/app/api/v1/channels/route";
import * as channel from "@/app/api/v1/channels/[id]/route";
import * as channelTest from "@/app/api/v1/channels/[id]/test/route";
import * as rotate from "@/app/api/v1/channels/[id]/rotate-secret/route";
import * as channelDeliveries from "@/app/api/v1/channels/[id]/deliveries/route";
import * as deliveries from "@/app/api/v1/deliveries/route";
import * as rules from "@/app/api/v1/alert-rules/route";
import * as rule from "@/app/api/v1/alert-rules/[id]/route";
import * as silences from "@/app/api/v1/silences/route";
import * as expire from "@/app/api/v1/silences/[id]/expire/route";
import * as anomalyDeliveries from "@/app/api/v1/anomalies/[id]/deliveries/route";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withTestDatabase();
withSignedInUser("admin", "ADMIN");
const hook = startWebhookReceiver();
afterAll(async () => (await hook).close());

const BASE = "http://vigil.test:3000/api/v1";
const V1 = "/api/v1";

describe("alerting answers match their documented schemas", () => {
  let channelId = "";
  let ruleId = "";
  let silenceId = "";

  it("channels: create (with its secret), list, read, update, test, rotate", async () => {
    const created = await expectDocumented(
      "POST",
      `${V1}/channels`,
      await channels.POST(send("POST", `${BASE}/channels`, { kind: "WEBHOOK", name: "ops", config: { url: (await hook).url, headers: { "X-Team": "sre" } } }), ctx()),
      201,
    );
    channelId = created.id;
    expect(created).toMatchObject({ signed: true, config: { headers: { "X-Team": "********" } } });
    const mail = await expectDocumented(
      "POST",
      `${V1}/channels`,
      await channels.POST(send("POST", `${BASE}/channels`, { kind: "EMAIL", name: "mail", config: { host: "smtp.example.com", from: "v@example.com", to: ["o@example.com"], password: "p" } }), ctx()),
      201,
    );
    expect(mail.secret).toBeNull();
    const list = await expectDocumented("GET", `${V1}/channels`, await channels.GET(send("GET", `${BASE}/channels`), ctx()));
    expect(list.items.map((c: { name: string }) => c.name)).toEqual(["mail", "ops"]);
    await expectDocumented("GET", `${V1}/channels/{id}`, await channel.GET(send("GET", `${BASE}/channels/${channelId}`), ctx(channelId)));
    const renamed = await expectDocumented("PATCH", `${V1}/channels/{id}`, await channel.PATCH(send("PATCH", `${BASE}/channels/${channelId}`, { name: "ops hook" }), ctx(channelId)));
    expect(renamed.name).toBe("ops hook");
    const tested = await expectDocumented("POST", `${V1}/channels/{id}/test`, await channelTest.POST(send("POST", `${BASE}/channels/${channelId}/test`), ctx(channelId)));
    expect(tested).toMatchObject({ ok: true, status: 200 });
    const rotated = await expectDocumented("POST", `${V1}/channels/{id}/rotate-secret`, await rotate.POST(send("POST", `${BASE}/channels/${channelId}/rotate-secret`), ctx(channelId)));
    expect(rotated.secret).not.toBe(created.secret);
  });

  it("rules: create, list, read, update", async () => {
    const ids = await createSeriesWithDetector();
    const body = { name: "prod", channelId, detectorId: ids.detectorId, matchers: [{ name: "host", op: "=~", value: "web-.*" }], muteTimings: [{ weekdays: ["sat"], start: "22:00", end: "07:00" }], groupWaitSeconds: 30, groupBy: ["host"] };
    const created = await expectDocumented("POST", `${V1}/alert-rules`, await rules.POST(send("POST", `${BASE}/alert-rules`, body), ctx()), 201);
    ruleId = created.id;
    expect(created).toMatchObject({ channel: { name: "ops hook", kind: "WEBHOOK" }, detector: { id: ids.detectorId }, source: null, escalationChannel: null });
    await expectDocumented("GET", `${V1}/alert-rules`, await rules.GET(send("GET", `${BASE}/alert-rules`), ctx()));
    await expectDocumented("GET", `${V1}/alert-rules/{id}`, await rule.GET(send("GET", `${BASE}/alert-rules/${ruleId}`), ctx(ruleId)));
    const off = await expectDocumented("PATCH", `${V1}/alert-rules/{id}`, await rule.PATCH(send("PATCH", `${BASE}/alert-rules/${ruleId}`, { minSeverity: "MEDIUM", escalateAfterMinutes: 15, escalationChannelId: channelId }), ctx(ruleId)));
    expect(off).toMatchObject({ minSeverity: "MEDIUM", escalationChannel: { id: channelId } });
  });

  it("silences: create, list (active and all), expire", async () => {
    const created = await expectDocumented("POST", `${V1}/silences`, await silences.POST(send("POST", `${BASE}/silences`, { matchers: [{ name: "host", op: "=", value: "web-1" }], durationMinutes: 60, reason: "deploy" }), ctx()), 201);
    silenceId = created.id;
    expect(created.state).toBe("active");
    const active = await expectDocumented("GET", `${V1}/silences`, await silences.GET(send("GET", `${BASE}/silences`), ctx()));
    expect(active.items).toMatchObject([{ id: silenceId, state: "active", suppressed: 0 }]);
    const expired = await expectDocumented("POST", `${V1}/silences/{id}/expire`, await expire.POST(send("POST", `${BASE}/silences/${silenceId}/expire`), ctx(silenceId)));
    expect(expired).toMatchObject({ id: silenceId, state: "ended", reason: "deploy" });
    const all = await expectDocumented("GET", `${V1}/silences`, await silences.GET(send("GET", `${BASE}/silences?state=all`), ctx()));
    expect(all.items).toMatchObject([{ id: silenceId, state: "ended" }]);
  });

  it("the delivery log: per channel (keyset), recent across channels, per anomaly with the rules that did not apply", async () => {
    const ids = await createSeriesWithDetector();
    const anomaly = await createAnomaly(ids);
    const prisma = getPrisma();
    const other = await prisma.alertRule.create({ data: { name: "critical only", channelId, minSeverity: "CRITICAL" } });
    await prisma.delivery.createMany({
      data: [
        { key: `${ruleId}:${anomaly.id}:FIRING`, anomalyId: anomaly.id, seriesId: ids.seriesId, ruleId, channelId, status: "SENT", attempts: 1, responseCode: 200, response: "ok", latencyMs: 12, sentAt: new Date() },
        { key: `${ruleId}:${anomaly.id}:RESOLVED`, anomalyId: anomaly.id, seriesId: ids.seriesId, ruleId, channelId, kind: "RESOLVED", status: "SUPPRESSED", reason: "silenced", silenceId },
        { key: `${ruleId}:${anomaly.id}:ESCALATED`, anomalyId: anomaly.id, seriesId: ids.seriesId, ruleId, channelId, kind: "ESCALATED", status: "FAILED", attempts: 3, lastError: "timed out" },
      ],
    });
    const page = await expectDocumented("GET", `${V1}/channels/{id}/deliveries`, await channelDeliveries.GET(send("GET", `${BASE}/channels/${channelId}/deliveries?limit=2`), ctx(channelId)));
    expect(page.items.length).toBe(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    const recent = await expectDocumented("GET", `${V1}/deliveries`, await deliveries.GET(send("GET", `${BASE}/deliveries`), ctx()));
    expect(recent.items[0]).toMatchObject({ status: "FAILED" });
    const log = await expectDocumented("GET", `${V1}/anomalies/{id}/deliveries`, await anomalyDeliveries.GET(send("GET", `${BASE}/anomalies/${anomaly.id}/deliveries`), ctx(anomaly.id)));
    expect(log.items.find((d: { kind: string }) => d.kind === "RESOLVED")).toMatchObject({ silence: { id: silenceId, reason: "deploy" } });
    expect(log.notApplied).toEqual([{ rule: { id: other.id, name: "critical only" }, reason: expect.any(String) }]);
  });

  it("a missing or renamed field fails the documented schema", async () => {
    const body = await (await channel.GET(send("GET", `${BASE}/channels/${channelId}`), ctx(channelId))).json();
    const validate = await documentedSchema("GET", `${V1}/channels/{id}`, 200);
    expect(validate(body)).toBe(true);
    const { signed, ...rest } = body;
    expect(validate(rest)).toBe(false);
    expect(validate({ ...rest, hasSecret: signed })).toBe(false);
    expect(validate({ channel: body })).toBe(false);
  });

  it("covered every operation of these areas that declares a response", () => {
    const area = /^\/api\/v1\/(channels|alert-rules|silences|deliveries|anomalies\/\{id\}\/deliveries)(\/|$)/;
    const declared = OPERATIONS.filter((o) => o.response && area.test(o.path)).map((o) => `${o.method} ${o.path}`);
    expect(declared.length).toBe(16);
    expect(declared.filter((o) => !provenOperations().has(o))).toEqual([]);
  });
});
