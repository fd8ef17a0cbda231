/**
 * How a send ended, and whether trying again can help: a timeout, a connection error, 408, 429
 * and 5xx are retried; any other 4xx (and a redirect) means the request itself is wrong and is
 * not. SMTP is the other way round: 4xx replies are transient, 5xx permanent. Pure.
 */
export interface SendOutcome {
  ok: boolean;
  retryable: boolean;
  /** HTTP status or SMTP reply code. */
  status: number | null;
  /** The receiver's answer (truncated). */
  response: string | null;
  error: string | null;
  latencyMs: number;
}

export const RESPONSE_LIMIT = 2_000;

export function httpRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND",
  "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT",
  // nodemailer's
  "ECONNECTION", "ESOCKET", "EDNS", "EPROTOCOL",
]);

/** The error's own code or its cause's (fetch wraps the socket error in `cause`). */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  return undefined;
}

export function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === "TimeoutError" || name === "AbortError" || errorCode(err) === "ETIMEDOUT";
}

export function errorRetryable(err: unknown): boolean {
  const code = errorCode(err);
  return isTimeout(err) || (code !== undefined && TRANSIENT_CODES.has(code)) || (err instanceof TypeError && /fetch failed/i.test(err.message));
}

export function describeError(err: unknown): string {
  if (isTimeout(err)) return "timed out";
  const code = errorCode(err);
  const msg = (err as Error)?.message ?? String(err);
  const cause = (err as { cause?: { message?: string } })?.cause?.message;
  return [code, msg, cause && cause !== msg ? cause : null].filter(Boolean).join(": ").slice(0, RESPONSE_LIMIT);
}

/** Exponential backoff before attempt `attempt + 1`: base, 2x, 4x, ... capped. */
export function backoffMs(attempt: number, baseMs: number, capMs = 15 * 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
