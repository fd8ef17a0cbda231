/**
 * (a) End-to-end latency: points pushed through the ingest route handler (in-process, auth +
 * parse + one-transaction write + doorbell) at a steady rate spread over many series; a known
 * subset gets one spike each, and a poller times when each spike's anomaly row becomes visible.
 */
import { NextRequest } from "next/server";
import pg from "pg";
import { POST } from "../../../app/api/v1/ingest/route";
import { enqueueDetect } from "../../../lib/pipeline/schedule";
import { getPrisma } from "../../../lib/server/db";
import { getQueueBackend } from "../../../lib/server/queue";
import { createSourceKey } from "../../../lib/server/queries/api-keys";
import { percentile, query, type Scratch } from "./setup";
import { startCpuMeter } from "./proc-cpu";
import { scrapeCounters, storedAfter, waitSettled } from "./rescoring";
import { defaultDetectorConfig, getDefinition } from "../../../lib/detection";
import { ensurePointPartitions } from "../../../lib/storage/partitions";

/**
 * The bench's first point: the start of this month (UTC), so live points land in the current
 * month's partition as a real install's do (a fixed past month has no partition: every point went
 * to `DataPoint_default`, which production only holds for imports and far-off timestamps).
 */
const now = new Date();
export const T0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
export interface BenchDetector {
  algorithm: string;
  params: object;
  threshold: number;
  /** Points of history each series gets before the live phase (the detector must be warm by then). */
  history: number;
}

/**
 * `default`: what a new detector gets (`defaultDetectorConfig()`, the ensemble, at its default
 * threshold), the measure. `zscore`: the light detector earlier runs of this bench used.
 */
export function benchDetector(name: string): BenchDetector {
  if (name === "zscore") return { algorithm: "zscore", params: { window: 100, minPoints: 20 }, threshold: 0.6, history: 60 };
  if (name !== "default") throw new Error(`--detector must be default or zscore, not ${name}`);
  const { kind, params } = defaultDetectorConfig();
  return { algorithm: kind, params, threshold: getDefinition(kind).defaultThreshold ?? 0.5, history: 150 };
}
const TICK_MS = 100;

const noise = (s: number, i: number) => 100 + Math.sin(i * 0.7 + s) * 2 + ((s * 7919 + i * 104729) % 100) / 100;

export interface LatencyResult {
  sent: number;
  seconds: number;
  ingestMs: number[];
  anomalyMs: number[];
  injected: number;
  falsePositives: number;
  /** Series id -> when its spike's ingest request started (performance.now()), for measures downstream of the anomaly. */
  spikeSentAt: Map<string, number>;
  detectorId: string;
  /**
   * From the live phase's start until the pipeline settled after it: rewinds applied, points
   * scored, points stored (scored - stored were scored again), CPU seconds of the scratch
   * database's backends, of the workers and of this process (ingest runs in it); `settled` false:
   * the figures stop at a 60 s timeout. Null when the caller passed no workers to read.
   */
  rework: null | { rewinds: number; scored: number; stored: number; settled: boolean; seconds: number; cpu: { postgres: number | null; workers: number | null; ingest: number } };
}

async function post(key: string, body: string): Promise<{ accepted: number }> {
  const res = await POST(new NextRequest("http://bench/api/v1/ingest", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body }));
  if (!res.ok) throw new Error(`ingest ${res.status}: ${await res.text()}`);
  return (await res.json()) as { accepted: number };
}

const body = (series: number[], index: (s: number) => number, value: (s: number, i: number) => number) =>
  JSON.stringify(series.map((s) => ({ series: `lat${s}`, points: [[new Date(T0 + index(s) * 1000).toISOString(), value(s, index(s))]] })));

export async function runLatency(
  scratch: Scratch,
  opts: { series: number; rate: number; seconds: number; injected: number; detector: BenchDetector; workers?: { pid: number; metricsPort: number }[]; onLive?: () => void },
  say: (m: string) => void,
): Promise<LatencyResult> {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: "bench-latency", kind: "HTTP_PUSH" } });
  const { key } = await createSourceKey(source.id, "bench", null);
  const { history: HISTORY, ...config } = opts.detector;
  const all = Array.from({ length: opts.series }, (_, s) => s);

  // The partitions a running install has: this month and the next ones (the worker's hourly storage job).
  await ensurePointPartitions();
  say(`warm-up: ${HISTORY} points of history on ${opts.series} series`);
  for (let i = 0; i < HISTORY; i++) {
    await post(key, JSON.stringify(all.map((s) => ({ series: `lat${s}`, points: [[new Date(T0 + i * 1000).toISOString(), noise(s, i)]] }))));
  }
  const series = await prisma.series.findMany({ where: { sourceId: source.id }, select: { id: true, metric: true } });
  const detector = await prisma.detector.create({ data: { name: "bench-latency", ...config, series: { create: series.map((s) => ({ seriesId: s.id })) } } });
  const pairs = series.map((s) => ({ detectorId: detector.id, seriesId: s.id }));
  await enqueueDetect(await getQueueBackend(), pairs);
  const pgc = new pg.Client({ connectionString: scratch.url });
  await pgc.connect();
  const lastHistory = new Date(T0 + (HISTORY - 1) * 1000);
  while ((await query<{ n: string }>(pgc, `SELECT count(*) AS n FROM "DetectorState" WHERE "detectorId" = $1 AND watermark = $2`, [detector.id, lastHistory]))[0].n !== String(series.length)) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const idOf = new Map(series.map((s) => [s.metric, s.id]));
  const workers = opts.workers ?? [];
  const ports = workers.map((w) => w.metricsPort);
  const counters0 = await scrapeCounters(ports);
  opts.onLive?.();
  const meter = startCpuMeter(scratch.name, workers.map((w) => w.pid), [(pgc as unknown as { processID: number }).processID]);
  const cpu0 = process.cpuUsage();

  // Live: each tick sends rate/10 points, round-robin over the series; injected series spike once.
  const perTick = Math.max(1, Math.round((opts.rate * TICK_MS) / 1000));
  const ticks = Math.round((opts.seconds * 1000) / TICK_MS);
  const step = Math.max(1, Math.floor(opts.series / opts.injected));
  const spikeAt = new Map<number, number>(); // series -> live index of its spike
  const rounds = Math.max(1, Math.floor((ticks * perTick) / opts.series));
  for (let k = 0; k < opts.injected; k++) spikeAt.set(k * step, HISTORY + 1 + Math.floor(((k + 0.5) / opts.injected) * Math.max(1, rounds - 2)));
  const next = new Map(all.map((s) => [s, HISTORY]));
  const sentAt = new Map<string, number>(); // seriesId -> time the spike's request started
  const seen = new Map<string, number>();
  const ingestMs: number[] = [];
  let sent = 0;
  let cursor = 0;
  let polling = true;
  let drainStart = 0;
  const poller = (async () => {
    while (polling || seen.size < sentAt.size) {
      const rows = await query<{ seriesId: string }>(pgc, `SELECT "seriesId" FROM "Anomaly" WHERE "detectorId" = $1 AND "startTs" > $2`, [detector.id, lastHistory]);
      const now = performance.now();
      for (const r of rows) if (sentAt.has(r.seriesId) && !seen.has(r.seriesId)) seen.set(r.seriesId, now - sentAt.get(r.seriesId)!);
      if (!polling && performance.now() - drainStart > 30_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let t = 0; t < ticks; t++) {
    const due = started + t * TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const slice = Array.from({ length: perTick }, () => all[cursor++ % opts.series]);
    const b = body(slice, (s) => next.get(s)!, (s, i) => (spikeAt.get(s) === i ? 200 : noise(s, i)));
    const t0 = performance.now();
    for (const s of slice) {
      if (spikeAt.get(s) === next.get(s)) sentAt.set(idOf.get(`lat${s}`)!, t0);
      next.set(s, next.get(s)! + 1);
    }
    const p = post(key, b).then(({ accepted }) => {
      sent += accepted;
      ingestMs.push(performance.now() - t0);
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= 16) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  drainStart = performance.now();
  polling = false;
  await poller;
  const settled = opts.workers ? await waitSettled(pgc, detector.id) : false;
  const counters1 = await scrapeCounters(ports);
  const used = meter.stop();
  const own = process.cpuUsage(cpu0);
  const rework = !opts.workers ? null : {
    rewinds: counters1.rewinds - counters0.rewinds,
    scored: counters1.scored - counters0.scored,
    stored: await storedAfter(pgc, detector.id, lastHistory),
    settled,
    seconds: (performance.now() - started) / 1000,
    cpu: { postgres: used.postgres, workers: used.workers, ingest: (own.user + own.system) / 1e6 },
  };
  const fp = await query<{ n: string }>(pgc, `SELECT count(*) AS n FROM "Anomaly" WHERE "detectorId" = $1 AND NOT ("seriesId" = ANY($2))`, [detector.id, [...sentAt.keys()]]);
  await pgc.end();
  return { sent, seconds, ingestMs: ingestMs.sort((a, b) => a - b), anomalyMs: [...seen.values()].sort((a, b) => a - b), injected: sentAt.size, falsePositives: Number(fp[0].n), spikeSentAt: sentAt, detectorId: detector.id, rework };
}

export const pct = (v: number[]) => [50, 95, 99].map((p) => percentile(v, p));
