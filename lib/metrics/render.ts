/** One scrape: the bearer check, then the registry in Prometheus' text format. */
import { getProcessMetrics } from "@/lib/metrics/registry";
import { isScrapeAllowed } from "@/lib/metrics/scrape-auth";

export interface ScrapeAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** `prepare` runs once the scrape is allowed, before the registry is read (the web process wires its collectors there). */
export async function scrapeMetrics(authorization: string | null | undefined, token: string | undefined, prepare?: () => Promise<void>): Promise<ScrapeAnswer> {
  if (!isScrapeAllowed(authorization, token)) {
    return { status: 401, contentType: "text/plain; charset=utf-8", body: "Send the metrics token as Authorization: Bearer <VIGIL_METRICS_TOKEN>\n" };
  }
  await prepare?.();
  const { registry } = getProcessMetrics();
  return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
}
