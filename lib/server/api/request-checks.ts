/**
 * Checks every state-changing request made with the session cookie goes through before anything
 * else (withAuth, and the few routes outside it that a browser can reach).
 * - Same origin: a browser sends `Sec-Fetch-Site` and/or `Origin` with every non-GET request, so
 *   a page on another origin (another port or subdomain of the same site included) is refused.
 *   A request with neither header is not from a browser and so cannot carry a forged cookie.
 * - Exact media types: `text/plain; x=application/json` is text/plain (a browser sends it
 *   cross-origin without a preflight), never JSON.
 */
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/server/api/errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** RFC 9110 media type: `type/subtype *( ; name=value )`, case-insensitive names; null if malformed. */
export function parseMediaType(header: string | null): MediaType | null {
  if (!header) return null;
  const [essence, ...rest] = header.split(";");
  const type = essence.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)) return null;
  const params: Record<string, string> = {};
  for (const part of rest) {
    if (!part.trim()) continue;
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    params[name] = value;
  }
  return { type, params };
}

/** Throws 415 unless the content type is exactly `expected` (with at most a UTF-8 charset). */
export function assertMediaType(header: string | null, expected: string): void {
  const parsed = parseMediaType(header);
  const charset = parsed?.params.charset?.toLowerCase();
  if (parsed?.type === expected && (charset === undefined || charset === "utf-8" || charset === "utf8")) return;
  throw new AppError("unsupported_media_type", `Content-Type must be ${expected} (got ${JSON.stringify(header ?? "")})`);
}

/** The origins this app answers on: NEXTAUTH_URL's, and the one the request was addressed to. */
function ownOrigins(req: Request): Set<string> {
  const origins = new Set<string>();
  const configured = getEnv().NEXTAUTH_URL;
  if (configured) origins.add(new URL(configured).origin);
  const host = req.headers.get("host");
  const url = new URL(req.url);
  origins.add(host ? `${url.protocol}//${host}` : url.origin);
  return origins;
}

/** Throws 403 for a state-changing request a browser sent from another origin. */
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  // The browser's own verdict, when it gives one, is final (a proxy may have rewritten Host).
  const site = req.headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return;
  if (site) throw new AppError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site})`);
  const origin = req.headers.get("origin");
  if (origin === null) return;
  if (!ownOrigins(req).has(origin)) throw new AppError("forbidden", `Cross-origin request refused (Origin: ${origin})`);
}
