/**
 * (b) Worker scoring throughput: one backlog of stored points, scored from scratch by a fresh
 * detector with 1 worker process, then by another fresh detector (same algorithm, same series)
 * with 2 worker processes. Workers are ready before the jobs are enqueued, so start-up is excluded.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { labelsKeyOf } from "../../../lib/ingest/batch";
import { writeBatch } from "../../../lib/ingest/write";
import { enqueueDetect } from "../../../lib/pipeline/schedule";
import { getPrisma } from "../../../lib/server/db";
import { refreshRollups } from "../../../lib/storage/rollups";
import { createPointPartitions } from "../../../lib/storage/partitions";
import { getQueueBackend } from "../../../lib/server/queue";
import { T0, type BenchDetector } from "./latency";
import { query, startBenchWorker, type Scratch } from "./setup";
import { startCpuMeter } from "./proc-cpu";

export interface ThroughputResult {
  workers: number;
  points: number;
  seconds: number;
  /** Share of the host's CPU time that was busy during the run (all processes, all cores), from /proc/stat. */
  hostBusy: number | null;
  /** CPU seconds of the scratch database's PostgreSQL backends and of the worker processes during the run (null off Linux). */
  postgresCpu: number | null;
  workerCpu: number | null;
}

/** [busy, total] jiffies over all cores, or null where /proc/stat is missing. */
function cpuTimes(): [number, number] | null {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return [total - idle, total];
  } catch {
    return null;
  }
}

export async function writeBacklog(series: number, perSeries: number): Promise<string[]> {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: "bench-backlog", kind: "HTTP_PUSH" } });
  const ids: string[] = [];
  // A bulk load of history creates its month partitions first (lib/storage/README.md): else the
  // points land in the default partition and the worker's first retention run moves them during
  // the first measurement.
  await createPointPartitions(T0, T0 + (perSeries - 1) * 60_000);
  const chunk = Math.max(1, Math.floor(50_000 / perSeries));
  for (let from = 0; from < series; from += chunk) {
    const batch = Array.from({ length: Math.min(chunk, series - from) }, (_, k) => {
      const s = from + k;
      const ms = Array.from({ length: perSeries }, (_, i) => T0 + i * 60_000);
      const values = ms.map((_, i) => 100 + 10 * Math.sin(i / 40 + s) + ((s * 31 + i * 17) % 13) / 3 + (i % 500 === 250 ? 80 : 0));
      return { metric: `backlog${s}`, labels: {}, labelsKey: labelsKeyOf({}), ms, values };
    });
    ids.push(...(await writeBatch(source.id, null, batch)).seriesIds);
  }
  // Derive the backlog's rollups now, so no measurement includes that job's first pass over it.
  // A few series at a time, and a batch cancelled by the job's statement timeout (a loaded machine) is taken again.
  for (;;) {
    try {
      if ((await refreshRollups(20)).taken === 0) break;
    } catch (err) {
      if ((err as { code?: string }).code !== "57014") throw err;
    }
  }
  // Vacuumed and analyzed as autovacuum would have it soon after a load: else its first pass (and
  // plans made without statistics) fall into the first measurement only. Then read once, so neither
  // measurement pays for a cold cache.
  await prisma.$executeRawUnsafe(`VACUUM (ANALYZE) "DataPoint", "Series", "DetectorSeries"`);
  await prisma.$queryRaw`SELECT sum(p.value) FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey" WHERE s.id = ANY(${ids}::text[])`;
  return ids;
}

export async function runThroughput(scratch: Scratch, seriesIds: string[], perSeries: number, workers: number, detectorName: string, bench: BenchDetector): Promise<ThroughputResult> {
  const { history: _history, ...config } = bench;
  const prisma = getPrisma();
  const detector = await prisma.detector.create({ data: { name: detectorName, ...config, series: { create: seriesIds.map((seriesId) => ({ seriesId })) } } });
  const procs = Array.from({ length: workers }, () => startBenchWorker(scratch));
  const pgc = new pg.Client({ connectionString: scratch.url });
  await pgc.connect();
  try {
    await Promise.all(procs.map((p) => p.ready));
    const last = new Date(T0 + (perSeries - 1) * 60_000);
    const started = performance.now();
    const cpu0 = cpuTimes();
    const meter = startCpuMeter(scratch.name, procs.map((p) => p.proc.pid!), [(pgc as unknown as { processID: number }).processID]);
    await enqueueDetect(await getQueueBackend(), seriesIds.map((seriesId) => ({ detectorId: detector.id, subjectId: seriesId })));
    for (;;) {
      const [{ n }] = await query<{ n: string }>(pgc, `SELECT count(*) AS n FROM "DetectorState" WHERE "detectorId" = $1 AND watermark = $2`, [detector.id, last]);
      if (Number(n) === seriesIds.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu1 = cpuTimes();
    const used = meter.stop();
    const hostBusy = cpu0 && cpu1 ? (cpu1[0] - cpu0[0]) / (cpu1[1] - cpu0[1]) : null;
    return { workers, points: seriesIds.length * perSeries, seconds, hostBusy, postgresCpu: used.postgres, workerCpu: used.workers };
  } finally {
    // Done: disable it so no later reconcile scores its pairs while the next measurement runs.
    await prisma.detector.update({ where: { id: detector.id }, data: { enabled: false } });
    await Promise.all(procs.map((p) => p.stop()));
    await pgc.end();
  }
}
