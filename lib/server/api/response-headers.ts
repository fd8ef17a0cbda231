/**
 * Headers every API answer carries, decided at run time (next.config's headers() are fixed when
 * `next build` runs): `Cache-Control: no-store` unless the route chose one, and HSTS when the app
 * is configured to be reached over https.
 */
import { getEnv } from "@/lib/env";

export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

/** True when the running configuration says the app is served over https. */
export function hstsEnabled(): boolean {
  return getEnv().NEXTAUTH_URL?.startsWith("https://") ?? false;
}

export function withApiHeaders(res: Response): Response {
  const set = (target: Response) => {
    if (!target.headers.has("cache-control")) target.headers.set("Cache-Control", "no-store");
    if (hstsEnabled()) target.headers.set("Strict-Transport-Security", HSTS_VALUE);
    return target;
  };
  try {
    return set(res);
  } catch {
    // Immutable headers (a fetched or redirect Response): copy into one we own.
    return set(new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) }));
  }
}
