/** The alerting API over real PostgreSQL: channels (secret shown once, rotate, test), rules, silences, the delivery log; audited. */
import { afterAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest as send, routeContext as ctx, withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createSeriesWithDetector } from "@/lib/alerting/testing/fixtures";
import { GET as listChannels, POST as createChannel } from "@/app/api/v1/channels/route";
import { GET as readChannel, PATCH as patchChannel } from "@/app/api/v1/channels/[id]/route";
import { POST as testChannel } from "@/app/api/v1/channels/[id]/test/route";
import { POST as rotate } from "@/app/api/v1/channels/[id]/rotate-secret/route";
import { POST as createRule } from "@/app/api/v1/alert-rules/route";
import { PATCH as patchRule } from "@/app/api/v1/alert-rules/[id]/route";
import { GET as listSilences, POST as createSilence } from "@/app/api/v1/silences/route";
import { POST as expireSilence } from "@/app/api/v1/silences/[id]/expire/route";
import { GET as anomalyDeliveries } from "@/app/api/v1/anomalies/[id]/deliveries/route";

const session = vi.hoisted(() => ({ user: { id: "admin", sid: "s-admin" } }));
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => session }));
const as = (id: "admin" | "operator") => Object.assign(session.user, { id, sid: `s-${id}` });

withTestDatabase();
withSignedInUser("admin", "ADMIN");
withSignedInUser("operator", "OPERATOR");
const hook = startWebhookReceiver();
afterAll(async () => (await hook).close());

const URL = "http://localhost/api/v1";

describe("channels", () => {
  let id = "";
  let secret = "";

  it("a webhook's secret is in the create answer only; header values are masked", async () => {
    as("admin");
    const res = await createChannel(send("POST", `${URL}/channels`, { kind: "WEBHOOK", name: "ops hook", config: { url: (await hook).url, headers: { Authorization: "Bearer t0ken" } } }), ctx());
    expect(res.status).toBe(201);
    const body = await res.json();
    const { secret: shown, ...channel } = body;
    id = channel.id;
    secret = shown;
    expect(secret).toMatch(/^whsec_/);
    expect(channel).toMatchObject({ kind: "WEBHOOK", signed: true, config: { headers: { Authorization: "********" }, timeoutMs: 10_000 } });
    expect(JSON.stringify(channel)).not.toContain(secret);
    const list = await (await listChannels(send("GET", `${URL}/channels`), ctx())).json();
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(JSON.stringify(list)).not.toContain("t0ken");
    expect(await getPrisma().auditLog.findFirst({ where: { entity: "channel", entityId: id, action: "create" } })).toMatchObject({ userId: "admin" });
  });

  it("bad input is a 422 naming the field", async () => {
    const res = await createChannel(send("POST", `${URL}/channels`, { kind: "EMAIL", name: "mail", config: { host: "smtp", from: "v@x.io", to: ["not-an-address"] } }), ctx());
    expect(res.status).toBe(422);
    expect((await res.json()).error.issues).toEqual([{ path: "config.to.0", message: "must be an e-mail address" }]);
    const patch = await patchChannel(send("PATCH", `${URL}/channels/${id}`, { config: { url: "ftp://x" } }), ctx(id));
    expect(patch.status).toBe(422);
    expect((await patch.json()).error.issues[0].path).toBe("config.url");
  });

  it("an edit sending masked values back keeps the stored ones", async () => {
    const res = await patchChannel(send("PATCH", `${URL}/channels/${id}`, { config: { headers: { Authorization: "********", "X-Team": "sre" } } }), ctx(id));
    expect(res.status).toBe(200);
    const stored = await getPrisma().notificationChannel.findUniqueOrThrow({ where: { id } });
    expect((stored.config as { headers: object }).headers).toEqual({ Authorization: "Bearer t0ken", "X-Team": "sre" });
  });

  it("send test shows the receiver's answer, signed with the secret; rotating changes the signature", async () => {
    const res = await testChannel(send("POST", `${URL}/channels/${id}/test`), ctx(id));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, status: 200, response: '{"verdict":"accepted"}' });
    const received = (await hook).received.at(-1)!;
    expect(JSON.parse(received.body)).toMatchObject({ event: "test" });
    expect(received.headers.authorization).toBe("Bearer t0ken");
    const { verifySignature } = await import("@/lib/alerting/signature");
    const h = { signature: received.headers["vigil-signature"] as string, timestamp: received.headers["vigil-timestamp"] as string };
    expect(verifySignature(secret, h, received.body)).toEqual({ ok: true });

    const rotated = await (await rotate(send("POST", `${URL}/channels/${id}/rotate-secret`), ctx(id))).json();
    expect(rotated.secret).not.toBe(secret);
    await testChannel(send("POST", `${URL}/channels/${id}/test`), ctx(id));
    const next = (await hook).received.at(-1)!;
    const h2 = { signature: next.headers["vigil-signature"] as string, timestamp: next.headers["vigil-timestamp"] as string };
    expect(verifySignature(secret, h2, next.body)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifySignature(rotated.secret, h2, next.body)).toEqual({ ok: true });
    expect((await (await readChannel(send("GET", `${URL}/channels/${id}`), ctx(id))).json()).name).toBe("ops hook");
  });

  it("a send limit is set, shown and cleared; a bad one is a 422 naming it; a test over the limit is a 429 saying when", async () => {
    const bad = await patchChannel(send("PATCH", `${URL}/channels/${id}`, { rateLimit: { count: 0, seconds: 1 } }), ctx(id));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.issues[0]).toEqual({ path: "rateLimit.count", message: "at least 1 message" });
    const res = await patchChannel(send("PATCH", `${URL}/channels/${id}`, { rateLimit: { count: 1, seconds: 60 } }), ctx(id));
    expect((await res.json()).rateLimit).toEqual({ count: 1, seconds: 60 });
    const before = (await hook).received.length;
    expect((await testChannel(send("POST", `${URL}/channels/${id}/test`), ctx(id))).status).toBe(200);
    const over = await testChannel(send("POST", `${URL}/channels/${id}/test`), ctx(id));
    expect(over.status).toBe(429);
    expect((await over.json()).error.message).toMatch(/^The channel sends at most 1 message per 60 s and that is used up; try again after \d{4}-/);
    expect((await hook).received.length).toBe(before + 1);
    const cleared = await patchChannel(send("PATCH", `${URL}/channels/${id}`, { rateLimit: null }), ctx(id));
    expect((await cleared.json()).rateLimit).toBeNull();
    expect((await testChannel(send("POST", `${URL}/channels/${id}/test`), ctx(id))).status).toBe(200);
  });

  it("rules name their channel; a missing one or a bad matcher is a 422 naming the field", async () => {
    const bad = await createRule(send("POST", `${URL}/alert-rules`, { name: "r", channelId: "nope" }), ctx());
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.issues).toEqual([{ path: "channelId", message: "does not exist" }]);
    const badRe = await createRule(send("POST", `${URL}/alert-rules`, { name: "r", channelId: id, matchers: [{ name: "host", op: "=~", value: "(" }] }), ctx());
    expect((await badRe.json()).error.issues[0].path).toBe("matchers.0.value");
    const ok = await createRule(send("POST", `${URL}/alert-rules`, { name: "prod", channelId: id, matchers: [{ name: "host", op: "=~", value: "web-.*" }], minDeviation: 20 }), ctx());
    expect(ok.status).toBe(201);
    const rule = await ok.json();
    expect(rule).toMatchObject({ minSeverity: "HIGH", direction: "ANY", deviationUnit: "PERCENT", cooldownMinutes: 30, channel: { name: "ops hook" } });
    const off = await patchRule(send("PATCH", `${URL}/alert-rules/${rule.id}`, { enabled: false }), ctx(rule.id));
    expect((await off.json()).enabled).toBe(false);
  });
});

describe("silences", () => {
  it("operators create and expire them (not channels); both are audited; the anomaly log says why a rule did not apply", async () => {
    as("operator");
    const none = await createSilence(send("POST", `${URL}/silences`, { matchers: [], durationMinutes: 60 }), ctx());
    expect(none.status).toBe(422);
    const res = await createSilence(send("POST", `${URL}/silences`, { matchers: [{ name: "host", op: "=", value: "web-1" }], durationMinutes: 60, reason: "deploy" }), ctx());
    expect(res.status).toBe(201);
    const silence = await res.json();
    expect(silence).toMatchObject({ reason: "deploy", createdBy: { id: "operator" }, state: "active" });
    expect((await (await listSilences(send("GET", `${URL}/silences`), ctx())).json()).items.map((s: { id: string }) => s.id)).toEqual([silence.id]);
    const forbidden = await createChannel(send("POST", `${URL}/channels`, { kind: "SLACK", name: "s", config: { url: "https://hooks.slack.com/services/x" } }), ctx());
    expect(forbidden.status).toBe(403);

    const expired = await expireSilence(send("POST", `${URL}/silences/${silence.id}/expire`), ctx(silence.id));
    expect(expired.status).toBe(200);
    expect(await expired.json()).toMatchObject({ id: silence.id, state: "ended" });
    expect((await (await listSilences(send("GET", `${URL}/silences`), ctx())).json()).items).toEqual([]);
    expect((await (await listSilences(send("GET", `${URL}/silences?state=all`), ctx())).json()).items[0]).toMatchObject({ id: silence.id, state: "ended" });
    expect((await expireSilence(send("POST", `${URL}/silences/${silence.id}/expire`), ctx(silence.id))).status).toBe(409);
    const audit = await getPrisma().auditLog.findMany({ where: { entity: "silence", entityId: silence.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.userId])).toEqual([["create", "operator"], ["expire", "operator"]]);

    const ids = await createSeriesWithDetector();
    const anomaly = await createAnomaly(ids, { severity: "MEDIUM" });
    await getPrisma().alertRule.updateMany({ data: { enabled: true } });
    const log = await (await anomalyDeliveries(send("GET", `${URL}/anomalies/${anomaly.id}/deliveries`), ctx(anomaly.id))).json();
    expect(log.items).toEqual([]);
    expect(log.notApplied).toEqual([{ rule: { id: expect.any(String), name: "prod" }, reason: "severity medium below high" }]);
    expect(log.silenceMatchers).toEqual([
      { name: "source", op: "=", value: expect.stringMatching(/^web-/) },
      { name: "metric", op: "=", value: "cpu.usage" },
      { name: "host", op: "=", value: "web-1" },
    ]);
  });
});
