import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signPayload, verifySignature } from "@/lib/alerting/signature";

describe("webhook signature", () => {
  const secret = newWebhookSecret();
  const body = '{"version":"1"}';
  const ts = 1_800_000_000;

  it("is HMAC-SHA256 over timestamp.body, hex, prefixed v1=", () => {
    expect(signPayload(secret, ts, body)).toBe(`v1=${createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex")}`);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it("verifies, and refuses a changed body, another secret, an old timestamp or missing headers", () => {
    const signature = signPayload(secret, ts, body);
    expect(verifySignature(secret, { signature, timestamp: String(ts) }, body, ts + 10)).toEqual({ ok: true });
    expect(verifySignature(secret, { signature, timestamp: String(ts) }, body + " ", ts)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifySignature(newWebhookSecret(), { signature, timestamp: String(ts) }, body, ts)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifySignature(secret, { signature, timestamp: String(ts + 1) }, body, ts)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifySignature(secret, { signature, timestamp: String(ts) }, body, ts + 301)).toEqual({ ok: false, reason: "too-old" });
    expect(verifySignature(secret, { signature: null, timestamp: String(ts) }, body, ts)).toEqual({ ok: false, reason: "missing" });
  });
});
