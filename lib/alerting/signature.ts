/**
 * Webhook signatures: `Vigil-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * with `Vigil-Timestamp: <unix seconds>`. A receiver recomputes it over the raw body, compares in
 * constant time and refuses a timestamp outside its tolerance (a replay), then drops a repeated
 * `Idempotency-Key`. Server-side (node:crypto).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Vigil-Signature";
export const TIMESTAMP_HEADER = "Vigil-Timestamp";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const EVENT_HEADER = "Vigil-Event";
/** Receivers should refuse messages signed longer ago than this. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: "missing" | "bad-signature" | "too-old" };

/** What the README tells receivers to do, as a function (the tests' receiver uses it). */
export function verifySignature(
  secret: string,
  headers: { signature: string | null | undefined; timestamp: string | null | undefined },
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  if (!headers.signature || !headers.timestamp || !/^\d+$/.test(headers.timestamp)) return { ok: false, reason: "missing" };
  const ts = Number(headers.timestamp);
  const expected = Buffer.from(signPayload(secret, ts, rawBody));
  const given = Buffer.from(headers.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "bad-signature" };
  if (Math.abs(nowSeconds - ts) > toleranceSeconds) return { ok: false, reason: "too-old" };
  return { ok: true };
}
