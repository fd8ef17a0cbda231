/**
 * Headers for pages, decided per request at run time (proxy.ts): a Content Security Policy with a
 * fresh nonce, so scripts run only if Next (or we) put the nonce on them, no 'unsafe-inline';
 * and HSTS when the running configuration serves https. Styles keep 'unsafe-inline' (React
 * style attributes and Recharts need it; styles cannot run code).
 */
import { hstsEnabled, HSTS_VALUE } from "@/lib/server/api/response-headers";

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === "development"): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonce'd ones load are trusted too (Next's chunks).
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}

/** Sets the page's run-time security headers on a response. */
export function setPageHeaders(headers: Headers, csp: string): void {
  headers.set("Content-Security-Policy", csp);
  if (hstsEnabled()) headers.set("Strict-Transport-Security", HSTS_VALUE);
}
