/**
 * Demo detector: the library's default configuration watching every NAB sample series, so the
 * worker's reconciler scores them on start and the UI shows anomalies. Adds only what is missing.
 */
import { defaultDetectorConfig } from "@/lib/detection";
import { getPrisma } from "@/lib/server/db";
import { SAMPLE_SOURCE } from "@/lib/server/seed/sample-series";

export const DEMO_DETECTOR = "Default (NAB samples)";

export async function seedDemoDetector(): Promise<{ detectorId: string; attached: number }> {
  const prisma = getPrisma();
  const config = defaultDetectorConfig();
  const detector = await prisma.detector.upsert({
    where: { name: DEMO_DETECTOR },
    create: { name: DEMO_DETECTOR, algorithm: config.kind, params: config.params as object, threshold: config.threshold },
    update: {},
  });
  const series = await prisma.series.findMany({ where: { source: { name: SAMPLE_SOURCE } }, select: { id: true } });
  const { count } = await prisma.detectorSeries.createMany({
    data: series.map((s) => ({ detectorId: detector.id, seriesId: s.id })),
    skipDuplicates: true,
  });
  return { detectorId: detector.id, attached: count };
}
