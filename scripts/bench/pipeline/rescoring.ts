/**
 * Re-scoring during the latency run: how many rewinds the workers applied and how many points they
 * scored more than once. Read from the workers' own counters (`vigil_points_scored_total`,
 * `vigil_detection_rewinds_total`, scraped from each worker's metrics port) once the pipeline has
 * settled, against the points stored: scored - stored = re-scored.
 */
import type pg from "pg";
import { query } from "./setup";

export interface WorkerCounters {
  scored: number;
  rewinds: number;
}

const sumOf = (text: string, name: string) =>
  text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);

/** Sums the counters over the workers' metrics ports. */
export async function scrapeCounters(ports: number[]): Promise<WorkerCounters> {
  const out = { scored: 0, rewinds: 0 };
  for (const port of ports) {
    const token = process.env.VIGIL_METRICS_TOKEN;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).text();
    out.scored += sumOf(text, "vigil_points_scored_total");
    out.rewinds += sumOf(text, "vigil_detection_rewinds_total");
  }
  return out;
}

/**
 * Waits until the detector's pairs are settled: every watermark at its series' newest point, no
 * re-detection pending or under way, no page or write check left. False after `timeoutMs`.
 */
export async function waitSettled(pgc: pg.Client, detectorId: string, timeoutMs = 60_000): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const [r] = await query<{ busy: boolean }>(
      pgc,
      `SELECT EXISTS (SELECT 1 FROM "DetectorSeries" ds JOIN "Series" s ON s.id = ds."seriesId"
                LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = ds."seriesId"
                WHERE ds."detectorId" = $1 AND (st.watermark IS NULL OR st."redetectUntil" IS NOT NULL OR st."verifyUpTo" IS NOT NULL
                  OR st.watermark < (SELECT max(ts) FROM "DataPoint" p WHERE p."seriesKey" = s.key)))
           OR EXISTS (SELECT 1 FROM "RedetectRequest" WHERE "detectorId" = $1)
           OR EXISTS (SELECT 1 FROM "IngestCheck") AS busy`,
      [detectorId],
    );
    if (!r.busy) return true;
    await new Promise((res) => setTimeout(res, 250));
  }
  return false;
}

/** Points stored for the detector's series after `after`. */
export async function storedAfter(pgc: pg.Client, detectorId: string, after: Date): Promise<number> {
  const [r] = await query<{ n: string }>(
    pgc,
    `SELECT count(*) AS n FROM "DetectorSeries" ds JOIN "Series" s ON s.id = ds."seriesId" JOIN "DataPoint" p ON p."seriesKey" = s.key
     WHERE ds."detectorId" = $1 AND p.ts > $2`,
    [detectorId, after],
  );
  return Number(r.n);
}
