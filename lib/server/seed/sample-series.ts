/**
 * Sample series from the Numenta Anomaly Benchmark (MIT licence, prisma/demo-data/nab/LICENSE.txt),
 * loaded as a CSV-upload source so a new user sees real data at once. Loads only what is missing.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { getPrisma } from "@/lib/server/db";
import { countPoints, upsertPoints } from "@/lib/server/queries/points";

export const SAMPLE_SOURCE = "NAB samples";

export async function seedSampleSeries(dir: string): Promise<{ series: number; points: number }> {
  const prisma = getPrisma();
  const source = await prisma.dataSource.upsert({
    where: { name: SAMPLE_SOURCE },
    create: { name: SAMPLE_SOURCE, kind: "CSV_UPLOAD", config: { origin: "Numenta Anomaly Benchmark", licence: "MIT" } },
    update: {},
  });
  let points = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith(".csv")).sort();
  for (const file of files) {
    const metric = path.basename(file, ".csv");
    const series = await prisma.series.upsert({
      where: { sourceId_metric_labelsKey: { sourceId: source.id, metric, labelsKey: "" } },
      create: { sourceId: source.id, metric },
      update: {},
    });
    if ((await countPoints(series.id)) > 0) continue;
    const rows: { timestamp: string; value: string }[] = parse(readFileSync(path.join(dir, file)), { columns: true, skip_empty_lines: true });
    const ts = rows.map((r) => new Date(`${r.timestamp.replace(" ", "T")}Z`));
    const values = rows.map((r) => Number(r.value));
    // One transaction per series: a failed load leaves no half-filled series behind.
    points += await prisma.$transaction(async (tx) => {
      const n = await upsertPoints(series.id, ts, values, tx);
      await tx.dataSource.update({ where: { id: source.id }, data: { lastIngestedAt: new Date() } });
      return n;
    }, { timeout: 120_000 });
  }
  return { series: files.length, points };
}
