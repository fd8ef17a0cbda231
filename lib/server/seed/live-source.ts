/**
 * The live demo source: an HTTP_PUSH source "Demo live" with its own API key, a detector tuned to
 * warm up fast, and a few hours of generated history so the detector is warm when the live
 * generator (lib/demo/runner.ts, in the worker) continues from there. The key's secret is written
 * only to VIGIL_DATA_DIR/demo-ingest-key (mode 600) for the runner; it is never printed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEMO_SEED, DEMO_HISTORY_MS } from "@/lib/demo/config";
import { demoPoints } from "@/lib/demo/generator";
import { generateApiKey, parseApiKey } from "@/lib/ingest/api-key";
import { labelsKeyOf } from "@/lib/ingest/batch";
import { writeBatch } from "@/lib/ingest/write";
import { getPrisma } from "@/lib/server/db";
import { watchSources } from "@/lib/server/queries/detectors";

export const LIVE_SOURCE = "Demo live";
export const LIVE_DETECTOR = "Demo live (fast warm-up)";
/**
 * Robust z-score over the last 30 minutes (5 s points) on its native scale; threshold 0.7 is about
 * 4.9 robust sigmas. Not calibrated: the demo injects an anomaly on some series every 90 s (about one
 * point in a hundred), and a calibrated score measures rarity on the series' own history, so such a
 * busy series flags almost nothing (measured: 7% of the injected anomalies found calibrated, 100%
 * native, with 71 incidents for 68 injected).
 */
export const LIVE_DETECTOR_CONFIG = {
  algorithm: "robust-zscore",
  params: { window: 360, minPoints: 60, calibration: { enabled: false } },
  threshold: 0.7,
} as const;

export function demoKeyFile(dataDir: string): string {
  return path.resolve(dataDir, "demo-ingest-key");
}

function keyFileUsable(file: string): string | null {
  if (!existsSync(file)) return null;
  const key = readFileSync(file, "utf8").trim();
  return parseApiKey(key) ? key : null;
}

async function ensureKey(sourceId: string, file: string): Promise<boolean> {
  const prisma = getPrisma();
  const existing = keyFileUsable(file);
  const prefix = existing ? parseApiKey(existing)!.prefix : null;
  if (prefix && (await prisma.apiKey.findFirst({ where: { prefix, sourceId, revokedAt: null } }))) return false;
  // No usable key on disk (a fresh data folder, or the row was revoked): mint one, retire the old ones.
  const { key, prefix: newPrefix, secretHash } = generateApiKey();
  await prisma.$transaction([
    prisma.apiKey.updateMany({ where: { sourceId, name: "demo live generator", revokedAt: null }, data: { revokedAt: new Date() } }),
    prisma.apiKey.create({ data: { name: "demo live generator", prefix: newPrefix, secretHash, sourceId } }),
  ]);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return true;
}

export async function seedLiveSource(dataDir: string, now = Date.now()): Promise<{ keyCreated: boolean; points: number; attached: number }> {
  const prisma = getPrisma();
  const source = await prisma.dataSource.upsert({
    where: { name: LIVE_SOURCE },
    create: { name: LIVE_SOURCE, kind: "HTTP_PUSH", config: { generator: "lib/demo/generator.ts", seed: DEMO_SEED } },
    update: {},
  });
  const keyCreated = await ensureKey(source.id, demoKeyFile(dataDir));

  let points = 0;
  if ((await prisma.series.count({ where: { sourceId: source.id } })) === 0) {
    const batch = demoPoints(DEMO_SEED, now - DEMO_HISTORY_MS, now).map((s) => ({
      metric: s.series,
      labels: s.labels,
      labelsKey: labelsKeyOf(s.labels),
      ms: s.points.map(([t]) => Date.parse(t)),
      values: s.points.map(([, v]) => v),
    }));
    points = (await writeBatch(source.id, null, batch)).accepted;
  }

  const detector = await prisma.detector.upsert({
    where: { name: LIVE_DETECTOR },
    create: { name: LIVE_DETECTOR, ...LIVE_DETECTOR_CONFIG },
    update: {},
  });
  const before = await prisma.detectorSeries.count({ where: { detectorId: detector.id } });
  await watchSources(prisma, detector.id, [source.id]);
  const after = await prisma.detectorSeries.count({ where: { detectorId: detector.id } });
  return { keyCreated, points, attached: after - before };
}

/** The newest stored point of the live source, where the runner resumes after a restart. */
export async function findLiveSourceLatest(): Promise<Date | null> {
  const rows = await getPrisma().$queryRaw<{ ts: Date | null }[]>`
    SELECT max(p.ts) AS ts FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey"
    JOIN "DataSource" d ON d.id = s."sourceId" WHERE d.name = ${LIVE_SOURCE}`;
  return rows[0]?.ts ?? null;
}
