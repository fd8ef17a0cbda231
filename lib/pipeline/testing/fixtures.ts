/** Test fixtures for pipeline integration tests: a series with points and an attached detector. */
import { randomBytes } from "node:crypto";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";

export const T0 = Date.UTC(2026, 0, 1);
export const STEP_MS = 60_000;

/** A noiseless sine (never beyond 1.42 sigma of itself) with `spikes` indices set far outside it. */
export function sineWithSpikes(n: number, spikes: number[] = [], amplitude = 10): number[] {
  const v = Array.from({ length: n }, (_, i) => 100 + amplitude * Math.sin((2 * Math.PI * i) / 37));
  for (const i of spikes) v[i] = 100 + amplitude * 12;
  return v;
}

export async function createPair(opts: { algorithm?: string; params?: object; threshold?: number; enabled?: boolean } = {}) {
  const prisma = getPrisma();
  const tag = randomBytes(4).toString("hex");
  const source = await prisma.dataSource.create({ data: { name: `src-${tag}`, kind: "HTTP_PUSH" } });
  const series = await prisma.series.create({ data: { sourceId: source.id, metric: `m-${tag}` } });
  const detector = await prisma.detector.create({
    data: {
      name: `det-${tag}`,
      algorithm: opts.algorithm ?? "zscore",
      // Native z scale: these tests are about the pipeline, and a calibrated score on a noiseless sine
      // depends on how few scores the calibrator has seen (lib/detection/README.md, Score scale).
      params: (opts.params ?? { window: 100, minPoints: 20, calibration: { enabled: false } }) as object,
      threshold: opts.threshold ?? 0.5,
      enabled: opts.enabled ?? true,
      series: { create: { seriesId: series.id } },
    },
  });
  return { detectorId: detector.id, seriesId: series.id };
}

/** Writes through ingest's own write (so late and corrected points leave their RedetectRequests). */
export async function writePoints(seriesId: string, values: number[], offset = 0) {
  const s = await getPrisma().series.findUniqueOrThrow({ where: { id: seriesId }, select: { sourceId: true, metric: true, labels: true, labelsKey: true } });
  const ms = values.map((_, i) => T0 + (offset + i) * STEP_MS);
  return writeBatch(s.sourceId, null, [{ metric: s.metric, labels: s.labels as Record<string, string>, labelsKey: s.labelsKey, ms, values }]);
}

/** The pair's active anomalies without ids and bookkeeping timestamps, in start order. */
export async function anomaliesOf(pair: { detectorId: string; seriesId: string }) {
  const rows = await getPrisma().anomaly.findMany({
    where: { ...pair, detection: "ACTIVE" },
    orderBy: { startTs: "asc" },
    select: {
      startTs: true, endTs: true, peakTs: true, peakScore: true, severity: true, pointCount: true,
      actual: true, expected: true, lower: true, upper: true, ongoing: true,
    },
  });
  return rows.map((r) => ({ ...r, startIdx: (r.startTs.getTime() - T0) / STEP_MS, endIdx: (r.endTs.getTime() - T0) / STEP_MS }));
}
