/** E-mail over SMTP with nodemailer; reply codes classified the SMTP way (4xx transient, 5xx permanent). */
import nodemailer from "nodemailer";
import type { ChannelConfig } from "@/lib/alerting/schemas";
import { describeError, errorRetryable, RESPONSE_LIMIT, type SendOutcome } from "@/lib/alerting/outcome";

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export async function sendEmail(config: ChannelConfig<"EMAIL">, mail: EmailContent): Promise<SendOutcome> {
  const started = performance.now();
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ignoreTLS: config.ignoreTLS,
    auth: config.user ? { user: config.user, pass: config.password ?? "" } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  try {
    const info = await transport.sendMail({ from: config.from, to: config.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
    const code = Number(/^(\d{3})/.exec(info.response ?? "")?.[1] ?? 250);
    return { ok: true, retryable: false, status: code, response: `${info.response ?? ""} ${info.messageId ?? ""}`.trim().slice(0, RESPONSE_LIMIT), error: null, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const smtp = (err as { responseCode?: number }).responseCode;
    const retryable = typeof smtp === "number" ? smtp >= 400 && smtp < 500 : errorRetryable(err);
    const response = (err as { response?: string }).response ?? null;
    return { ok: false, retryable, status: smtp ?? null, response: response?.slice(0, RESPONSE_LIMIT) ?? null, error: describeError(err), latencyMs: Math.round(performance.now() - started) };
  } finally {
    transport.close();
  }
}
