/**
 * Demo grouped detector: isolation forest over the live demo's three hosts' cpu as one group (one
 * vector per 5 s step), retrained every 10 minutes, so its incidents carry each host's share of
 * the score (lib/detectors/README.md, groups of series). Adds only what is missing.
 */
import { getPrisma } from "@/lib/server/db";
import { syncGroups } from "@/lib/server/queries/subjects";
import { LIVE_SOURCE } from "@/lib/server/seed/live-source";
import { DEMO_STEP_MS } from "@/lib/demo/generator";

export const GROUPED_DETECTOR = "Demo hosts cpu (grouped)";

export async function seedGroupedDetector(): Promise<{ detectorId: string; groups: number } | null> {
  const prisma = getPrisma();
  const cpu = await prisma.series.findMany({ where: { source: { name: LIVE_SOURCE }, metric: "cpu" }, orderBy: { labelsKey: "asc" }, select: { id: true } });
  if (cpu.length < 2) return null;
  const seriesIds = cpu.map((s) => s.id);
  const grouping = { seriesIds, stepSeconds: DEMO_STEP_MS / 1000, aggregate: "last", missing: "impute" };
  const detector = await prisma.detector.upsert({
    where: { name: GROUPED_DETECTOR },
    create: {
      name: GROUPED_DETECTOR,
      algorithm: "isolation-forest",
      params: { trees: 50, shingleSize: 1, seed: 1 },
      threshold: 0.8,
      retrainCron: "*/10 * * * *",
      trainingWindowHours: 24,
      grouping,
      series: { create: seriesIds.map((seriesId) => ({ seriesId })) },
    },
    update: {},
  });
  await syncGroups(detector.id);
  return { detectorId: detector.id, groups: await prisma.seriesGroup.count({ where: { detectorId: detector.id } }) };
}
