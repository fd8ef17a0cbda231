/**
 * Scrapes carry `Authorization: Bearer <VIGIL_METRICS_TOKEN>` when that variable is set; without
 * it the metrics are open (put them behind your network policy then).
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s).digest();

export function isScrapeAllowed(authorization: string | null | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  // Equal-length digests: the comparison takes the same time whatever was sent.
  return !!m && timingSafeEqual(digest(m[1]), digest(token));
}
