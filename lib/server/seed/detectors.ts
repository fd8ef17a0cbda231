/**
 * Demo detector: the library's default configuration watching the NAB samples source (every series it has or gets), so the
 * worker's reconciler scores them on start and the UI shows anomalies. Adds only what is missing.
 */
import { defaultDetectorConfig } from "@/lib/detection";
import { getPrisma } from "@/lib/server/db";
import { watchSources } from "@/lib/server/queries/detectors";
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
  const source = await prisma.dataSource.findUnique({ where: { name: SAMPLE_SOURCE }, select: { id: true } });
  const before = await prisma.detectorSeries.count({ where: { detectorId: detector.id } });
  if (source) await watchSources(prisma, detector.id, [source.id]);
  const after = await prisma.detectorSeries.count({ where: { detectorId: detector.id } });
  return { detectorId: detector.id, attached: after - before };
}
