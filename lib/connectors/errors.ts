/**
 * A connector failure the user can act on: its message names the peer and what went wrong
 * ("HTTP 404 from http://...", "connection refused to mqtt://..."), and is shown as is.
 */
export class ConnectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectorError";
  }
}

/** How long a source test may take in total. */
export const TEST_TIMEOUT_MS = 10_000;

/** Turns a low-level network error into a sentence naming the peer. */
export function describeNetworkError(err: unknown, target: string): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused to ${target}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host not found: ${target}`;
    case "ECONNRESET":
      return `connection reset by ${target}`;
    case "ETIMEDOUT":
      return `connection timed out to ${target}`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `host unreachable: ${target}`;
  }
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no response from ${target} in time`;
  return `${e?.cause?.message ?? e?.message ?? String(err)} (${target})`;
}

/** A URL without its password, for messages shown to users. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
