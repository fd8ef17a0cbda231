/**
 * Pipeline benchmark on a scratch database (local PostgreSQL) with real worker processes on the
 * Redis backend (a private key prefix, removed afterwards):
 *  (a) end-to-end latency from an ingest request to the anomaly row, at a steady push rate;
 *  (b) worker scoring throughput on one backlog with 1 and with 2 worker processes.
 * Usage: npm run bench:pipeline [-- --seconds 30 --rate 5000 --series 5000 --injected 50 --detector default
 *        --latency-workers 1 --backlog-series 400 --backlog-points 5000 --workers 1,2,1]   (quick: --seconds 10
 *        --rate 1000 --series 1000 --backlog-series 50; `--detector zscore` for the light detector of earlier runs)
 * The latency run also prints, from its live phase until the pipeline settled, the rewinds the workers
 * applied and the points they scored more than once (their own counters, read from their metrics ports
 * from BENCH_METRICS_PORT, default 19460, up), with the CPU seconds of PostgreSQL, workers and ingest.
 * Backlog only: --skip-latency (with --workers 1 for one run). Each backlog run prints the CPU seconds per
 * million points of the scratch database's PostgreSQL backends and of the worker processes (from /proc),
 * which hold on a loaded machine where wall time does not. --pg-profile also lists, for the latency run's
 * live phase (until settled) and for the backlog runs, the statements by PostgreSQL CPU per point, split
 * into parse, bind (planning) and execute (log_statement_stats on the scratch database from its creation,
 * before any worker connects; superuser, reads the server log: VIGIL_PG_LOG). --keep-db keeps the scratch
 * database (its name is printed) for inspection.
 * With VIGIL_PIPELINE_TIMINGS=<file>, the workers append per-phase totals (queue wait, run, each
 * round trip of a detect run or batch) to that file every 5 s: where the time goes.
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { resetEnvForTests } from "../lib/env";
import { disconnectPrisma } from "../lib/server/db";
import { getQueueBackend } from "../lib/server/queue";
import { fixed, formatRate, printTable } from "./bench/table";
import { benchDetector, pct, runLatency } from "./bench/pipeline/latency";
import { createScratch, startBenchWorker } from "./bench/pipeline/setup";
import { runThroughput, writeBacklog, type ThroughputResult } from "./bench/pipeline/throughput";
import { startPgProfile, stopPgProfile, type PgProfile } from "./bench/pipeline/pg-profile";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    rate: { type: "string", default: "5000" },
    series: { type: "string", default: "5000" },
    detector: { type: "string", default: "default" },
    injected: { type: "string", default: "50" },
    "latency-workers": { type: "string", default: "1" },
    "backlog-series": { type: "string", default: "400" },
    "backlog-points": { type: "string", default: "5000" },
    "skip-latency": { type: "boolean", default: false },
    "skip-throughput": { type: "boolean", default: false },
    workers: { type: "string", default: "1,2,1" },
    "pg-profile": { type: "boolean", default: false },
    "pg-profile-top": { type: "string", default: "15" },
    "keep-db": { type: "boolean", default: false },
  },
});
/** The latency run's workers serve their metrics from here up (their rewind and scoring counters). */
const METRICS_PORT = Number(process.env.BENCH_METRICS_PORT ?? 19_460);
const say = (m: string) => console.log(`[bench] ${m}`);
const detector = benchDetector(args.detector);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const scratch = await createScratch(redisUrl);
Object.assign(process.env, { DATABASE_URL: scratch.url, REDIS_URL: redisUrl, VIGIL_QUEUE_PREFIX: scratch.prefix, LOG_LEVEL: "warn" });
resetEnvForTests();
// Before anything connects: a setting of the database reaches new sessions only, and the workers' pools live on.
const profile = args["pg-profile"] ? await startPgProfile(scratch.name) : null;
function printProfile(title: string, p: PgProfile, points: number) {
  const costs = p.read();
  const total = costs.reduce((n, c) => n + c.cpu, 0);
  const phase = (k: "parse" | "bind" | "execute") => costs.reduce((n, c) => n + c[k], 0);
  const us = (s: number) => fixed((s / points) * 1e6, 1);
  say(
    `PostgreSQL CPU by statement, ${title} (log_statement_stats): ${us(total)} µs per point (parse ${us(phase("parse"))}, bind/plan ${us(phase("bind"))}, ` +
      `execute ${us(phase("execute"))}), ${fixed(total, 1)} s over ${points} points, ${costs.reduce((n, c) => n + c.calls, 0)} executions`,
  );
  printTable(
    ["statement", "executions", "µs/point", "parse", "bind", "execute", "ms/execution", "share"],
    costs.slice(0, Number(args["pg-profile-top"])).map((c) => [c.statement.slice(0, 110), c.calls, us(c.cpu), us(c.parse), us(c.bind), us(c.execute), c.calls ? fixed((c.cpu / c.calls) * 1000, 2) : "-", `${fixed((c.cpu / total) * 100, 1)}%`]),
  );
}
try {
  if (!args["skip-latency"]) {
    const workers = Array.from({ length: Number(args["latency-workers"]) }, (_, i) => startBenchWorker(scratch, METRICS_PORT + i));
    await Promise.all(workers.map((w) => w.ready));
    const live = workers.map((w, i) => ({ pid: w.proc.pid!, metricsPort: METRICS_PORT + i }));
    const opts = { series: Number(args.series), rate: Number(args.rate), seconds: Number(args.seconds), injected: Number(args.injected), detector, workers: live, onLive: () => profile?.mark() };
    say(`(a) latency, ${args.detector} detector (${detector.algorithm}): ${opts.rate} points/s over ${opts.series} series for ${opts.seconds} s, ${opts.injected} injected spikes, ${workers.length} worker(s)`);
    const r = await runLatency(scratch, opts, say).finally(() => Promise.all(workers.map((w) => w.stop())));
    const [i50, i95, i99] = pct(r.ingestMs);
    const [a50, a95, a99] = pct(r.anomalyMs);
    printTable(
      ["measure", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      [
        ["ingest request (accepted)", r.ingestMs.length, fixed(i50, 0), fixed(i95, 0), fixed(i99, 0), fixed(r.ingestMs.at(-1), 0)],
        ["ingest -> anomaly row", `${r.anomalyMs.length}/${r.injected}`, fixed(a50, 0), fixed(a95, 0), fixed(a99, 0), fixed(r.anomalyMs.at(-1), 0)],
      ],
    );
    say(`achieved ${formatRate(r.sent / r.seconds)} points/s (${r.sent} points in ${r.seconds.toFixed(1)} s); anomalies on non-injected series: ${r.falsePositives}`);
    const w = r.rework!;
    const cpu = (s: number | null) => (s === null ? "-" : fixed(s, 1));
    say(
      `from the live phase until settled${w.settled ? "" : " (NOT settled after 60 s)"}, ${fixed(w.seconds, 1)} s: ${w.rewinds} rewinds, ${w.scored} points scored for ${w.stored} stored ` +
        `(${w.scored - w.stored} re-scored); CPU s: PostgreSQL ${cpu(w.cpu.postgres)}, workers ${cpu(w.cpu.workers)}, ingest (this process) ${fixed(w.cpu.ingest, 1)}`,
    );
    if (profile) printProfile("live phase until settled", profile, r.sent);
    say(`goal p99 < 1000 ms: ${a99 < 1000 && r.anomalyMs.length === r.injected ? "met" : "NOT met"}`);
  }
  if (!args["skip-throughput"]) {
    const perSeries = Number(args["backlog-points"]);
    const ids = await writeBacklog(Number(args["backlog-series"]), perSeries);
    say(`(b) throughput, ${args.detector} detector: backlog of ${ids.length} series x ${perSeries} points, scored from scratch`);
    const rows: ThroughputResult[] = [];
    profile?.mark();
    // Default 1, 2, then 1 again: the repeat shows how much of the difference is order (warm caches, JIT, a busy machine).
    const counts = args.workers.split(",").map(Number);
    for (const [i, workers] of counts.entries()) rows.push(await runThroughput(scratch, ids, perSeries, workers, `bench-throughput-${i}`, detector));
    const perM = (cpu: number | null, points: number) => (cpu === null ? "-" : fixed(cpu / (points / 1e6), 2));
    printTable(
      ["worker processes", "points", "seconds", "points/s", "vs 1 worker", `host CPU busy (${availableParallelism()} cores)`, "PG CPU s/M points", "worker CPU s/M points"],
      rows.map((r) => [r.workers, r.points, fixed(r.seconds, 2), formatRate(r.points / r.seconds), `${fixed(rows[0].seconds / r.seconds, 2)}x`, r.hostBusy === null ? "-" : `${fixed(r.hostBusy * 100, 0)}%`, perM(r.postgresCpu, r.points), perM(r.workerCpu, r.points)]),
    );
    if (profile) printProfile("backlog runs", profile, rows.reduce((n, r) => n + r.points, 0));
  }
} finally {
  await (await getQueueBackend()).close();
  await disconnectPrisma();
  if (profile) await stopPgProfile(scratch.name);
  if (args["keep-db"]) say(`kept the scratch database ${scratch.name} (drop it with: DROP DATABASE ${scratch.name} WITH (FORCE))`);
  await scratch.drop({ keepDatabase: args["keep-db"] });
}
process.exit(0);
