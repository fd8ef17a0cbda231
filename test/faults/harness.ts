/**
 * Shared by the fault tests: a real worker process, the reference anomalies of an undisturbed
 * run (the pure scorer over the same points, in memory), and the stored anomalies to compare.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createScorer, toAnomalyWrite, type DetectorRow } from "@/lib/pipeline/scoring";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcess {
  proc: ChildProcess;
  output: () => string;
  ready: Promise<void>;
  /** How the process ended: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** package.json's start:worker as argv, with this node: the command every deployment runs. */
export function workerCommand(): [string, string[]] {
  const script: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts["start:worker"];
  const [bin, ...args] = script.split(/\s+/);
  return [bin === "node" ? process.execPath : path.join(ROOT, "node_modules/.bin", bin), args];
}

export function startWorker(env: Record<string, string>): WorkerProcess {
  let out = "";
  const [bin, args] = workerCommand();
  // detached: its own process group, so a SIGKILL reaches anything it started too (a real crash).
  const proc = spawn(bin, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    detached: true,
  });
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes("worker ready")) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    proc.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`worker exited with ${code}: ${out.slice(-2000)}`));
    });
  });
  ready.catch(() => undefined);
  return {
    proc,
    output: () => out,
    ready,
    exited,
    async kill(signal) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      process.kill(-proc.pid!, signal);
      await exited;
    },
  };
}

export const T0 = Date.UTC(2026, 0, 1);
export const STEP_MS = 60_000;

/** Seasonal + noise with spikes and a level shift, deterministic. */
export function faultSeries(n: number, salt = 0): number[] {
  let x = 12345 + salt;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296);
  return Array.from({ length: n }, (_, i) => {
    let v = 100 + 10 * Math.sin((2 * Math.PI * i) / 288) + (rnd() - 0.5) * 4;
    if (i % 997 === 500) v += 60;
    if (i % 3001 > 2900) v += 25;
    return Math.round(v * 1000) / 1000;
  });
}

/** Calibrated z scores at the library's default threshold for calibrated kinds (0.5): 18 incidents on 12,000 fault-series points. */
export const DETECTOR: Omit<DetectorRow, "id"> = { algorithm: "zscore", params: { window: 200, minPoints: 30 }, threshold: 0.5 };

/** What an undisturbed run produces for these points: every closed event plus the one still open. */
export function referenceAnomalies(values: number[]) {
  const scorer = createScorer({ id: "ref", ...DETECTOR });
  const events = values.flatMap((v, i) => scorer.push(T0 + i * STEP_MS, [v]));
  const open = scorer.tracker.current();
  if (open) events.push(open);
  return events.map((e) => toAnomalyWrite(e, ["s"])).map(comparable);
}

type Row = { startTs: Date; endTs: Date; peakTs: Date; peakScore: number; severity: string; pointCount: number; actual: number | null; expected: number | null };
export const comparable = (r: Row) => ({
  start: r.startTs.toISOString(),
  end: r.endTs.toISOString(),
  peak: r.peakTs.toISOString(),
  score: Number(r.peakScore.toFixed(9)),
  severity: r.severity,
  points: r.pointCount,
  actual: r.actual,
  expected: r.expected === null ? null : Number(r.expected.toFixed(6)),
});

export async function storedAnomalies(url: string, seriesId: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<Row>(
      `SELECT "startTs", "endTs", "peakTs", "peakScore", severity::text AS severity, "pointCount", actual, expected
       FROM "Anomaly" WHERE "seriesId" = $1 ORDER BY "startTs"`,
      [seriesId],
    );
    return rows.map(comparable);
  } finally {
    await c.end();
  }
}

export { waitFor } from "@/test/wait-for";
export { flushPrefix } from "@/test/redis-keys";

export interface Pair {
  detectorId: string;
  seriesId: string;
}

/** One HTTP_PUSH source, `n` series (metric f0..), one detector (DETECTOR) watching all of them. */
export async function createFaultPairs(n: number, tag: string): Promise<{ sourceId: string; detectorId: string; pairs: Pair[] }> {
  const { getPrisma } = await import("@/lib/server/db");
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: `faults-${tag}`, kind: "HTTP_PUSH" } });
  const series = await Promise.all(Array.from({ length: n }, (_, i) => prisma.series.create({ data: { sourceId: source.id, metric: `f${i}` } })));
  const detector = await prisma.detector.create({
    data: { name: `faults-${tag}`, ...DETECTOR, params: DETECTOR.params as object, series: { create: series.map((s) => ({ seriesId: s.id })) } },
  });
  return { sourceId: source.id, detectorId: detector.id, pairs: series.map((s) => ({ detectorId: detector.id, seriesId: s.id })) };
}

/** Watermarks as ms (null when the pair has none yet), in `pairs` order. */
export async function watermarks(url: string, pairs: Pair[]): Promise<(number | null)[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ seriesId: string; watermark: Date | null }>(
      `SELECT "subjectId" AS "seriesId", watermark FROM "DetectorState" WHERE "detectorId" = $1`,
      [pairs[0].detectorId],
    );
    const by = new Map(rows.map((r) => [r.seriesId, r.watermark?.getTime() ?? null]));
    return pairs.map((p) => by.get(p.seriesId) ?? null);
  } finally {
    await c.end();
  }
}

/** Total points and distinct (series, ts) per series, in `seriesIds` order. */
export async function pointCounts(url: string, seriesIds: string[]): Promise<{ total: number; distinct: number }[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ seriesId: string; total: string; distinct: string }>(
      `SELECT s.id AS "seriesId", count(*) AS total, count(DISTINCT p.ts) AS distinct
       FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey" WHERE s.id = ANY($1) GROUP BY 1`,
      [seriesIds],
    );
    const by = new Map(rows.map((r) => [r.seriesId, { total: Number(r.total), distinct: Number(r.distinct) }]));
    return seriesIds.map((id) => by.get(id) ?? { total: 0, distinct: 0 });
  } finally {
    await c.end();
  }
}
