/**
 * E-mail through a real SMTP server (npm smtp-server) started here: the message it receives has
 * the subject, a text and an HTML part with the link, and the idempotency key; SMTP's own
 * classification holds (a 5xx is final, a 4xx is retried).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { notifyAnomaly, publicBaseUrl } from "@/lib/alerting/notify";
import { createAnomaly, createRule, createSeriesWithDetector, deliveriesOf } from "@/lib/alerting/testing/fixtures";

withTestDatabase();

interface Mail {
  from: string;
  to: string[];
  raw: string;
}
const inbox: Mail[] = [];
/** Recipient -> SMTP reply code refused with. */
const refuse = new Map<string, number>();
let server: SMTPServer;
let port = 0;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, cb) {
      const code = refuse.get(address.address);
      if (code) return cb(Object.assign(new Error(code >= 500 ? "mailbox unavailable" : "try again later"), { responseCode: code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Quoted-printable escapes undone, as UTF-8. */
function unQp(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === "=" ? /^[0-9A-F]{2}/.exec(text.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Headers unfolded and their encoded words decoded, quoted-printable bodies decoded: enough to read the parts. */
function decodeQp(raw: string): string {
  const at = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, at).replace(/\r\n[ \t]+/g, " ");
  const words = headers.replace(/=\?UTF-8\?Q\?([^?]*)\?=(?:\s+(?==\?UTF-8\?Q\?))?/gi, (_, t: string) => unQp(t.replace(/_/g, " ")));
  return `${words}\r\n\r\n${unQp(raw.slice(at + 4).replace(/=\r?\n/g, ""))}`;
}

async function emailChannel(to: string) {
  return getPrisma().notificationChannel.create({
    data: { name: `mail-${to}`, kind: "EMAIL", config: { host: "127.0.0.1", port, secure: false, ignoreTLS: true, from: "vigil@example.com", to: [to], timeoutMs: 5_000 } },
  });
}
const noRetry = { retryLater: async () => undefined };

describe("e-mail channel", () => {
  it("delivers one message with text and HTML parts and the link", async () => {
    const ids = await createSeriesWithDetector();
    const channel = await emailChannel("oncall@example.com");
    const rule = await createRule(channel.id, { detectorId: ids.detectorId, name: "mail rule" });
    const anomaly = await createAnomaly(ids);
    expect(await notifyAnomaly(anomaly.id, noRetry)).toMatchObject({ sent: 1 });
    expect(await notifyAnomaly(anomaly.id, noRetry)).toMatchObject({ sent: 0 });
    expect(inbox).toHaveLength(1);
    const mail = inbox[0];
    expect(mail).toMatchObject({ from: "vigil@example.com", to: ["oncall@example.com"] });
    const raw = decodeQp(mail.raw);
    expect(raw).toMatch(/^Subject: \[Vigil\] HIGH: anomaly on cpu\.usage\{host="web-1"\} \(web-[0-9a-f]+\)/m);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
    const link = `${publicBaseUrl()}/anomalies/${anomaly.id}`;
    expect(raw).toContain(`Open it: ${link}`);
    expect(raw).toContain(`<a href="${link}">Open the anomaly in Vigil</a>`);
    expect(raw).toContain("93.2 is above the expected 41.0");
    expect(raw).toContain("Value: 93.2 vs expected 41.0 (normal 30.0–52.0)");
    expect(raw).toMatch(new RegExp(`^Idempotency-Key: ${rule.id}:${anomaly.id}:FIRING`, "m"));
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "SENT", attempts: 1, responseCode: 250 }]);
  });

  it("a 5xx from the server is final, a 4xx is retried", async () => {
    const ids = await createSeriesWithDetector();
    refuse.set("gone@example.com", 550);
    refuse.set("busy@example.com", 451);
    const gone = await emailChannel("gone@example.com");
    const busy = await emailChannel("busy@example.com");
    await createRule(gone.id, { detectorId: ids.detectorId });
    await createRule(busy.id, { detectorId: ids.detectorId });
    const anomaly = await createAnomaly(ids);
    const retries: number[] = [];
    await notifyAnomaly(anomaly.id, { retryLater: async (_id, delay) => retries.push(delay) });
    const rows = await getPrisma().delivery.findMany({ where: { anomalyId: anomaly.id }, include: { channel: true } });
    const by = (name: string) => rows.find((r) => r.channel.name === name)!;
    expect(by("mail-gone@example.com")).toMatchObject({ status: "FAILED", attempts: 1, responseCode: 550, reason: "the receiver refused it; not retried" });
    expect(by("mail-busy@example.com")).toMatchObject({ status: "PENDING", attempts: 1, responseCode: 451 });
    expect(retries).toHaveLength(1);
    expect(inbox).toHaveLength(1);
  });
});
