/**
 * Alerting benchmark on a scratch database with a real worker process on Redis (private prefix):
 *  (a) latency from the ingest request carrying a spike to the signed webhook arriving at a local
 *      receiver, p50/p95/p99 over the injected spikes, beside the same run's ingest -> anomaly row
 *      (the baseline: what alerting adds is the difference);
 *  (b) deliveries per second when 1,000 anomalies need notifying at once (outbox rows rung by the sweep).
 * Usage: npm run bench:alerting [-- --series 400 --rate 400 --seconds 40 --injected 200 --burst 1000]
 */
import { parseArgs } from "node:util";
import { resetEnvForTests } from "../lib/env";
import { disconnectPrisma, getPrisma } from "../lib/server/db";
import { getQueueBackend } from "../lib/server/queue";
import { sweepAlerts } from "../lib/alerting/queue";
import { startWebhookReceiver } from "../lib/alerting/testing/receiver";
import { newWebhookSecret } from "../lib/alerting/signature";
import { fixed, formatRate, printTable } from "./bench/table";
import { benchDetector, pct, runLatency } from "./bench/pipeline/latency";
import { createScratch, startBenchWorker } from "./bench/pipeline/setup";

const { values: args } = parseArgs({
  options: {
    series: { type: "string", default: "400" },
    rate: { type: "string", default: "400" },
    seconds: { type: "string", default: "40" },
    injected: { type: "string", default: "200" },
    burst: { type: "string", default: "1000" },
  },
});
const say = (m: string) => console.log(`[bench] ${m}`);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const scratch = await createScratch(redisUrl);
Object.assign(process.env, { DATABASE_URL: scratch.url, REDIS_URL: redisUrl, VIGIL_QUEUE_PREFIX: scratch.prefix, LOG_LEVEL: "warn" });
resetEnvForTests();
const secret = newWebhookSecret();
const hook = await startWebhookReceiver({ secret });
const arrived = new Map<string, number>(); // seriesId -> when the firing webhook arrived (performance.now())
const prisma = getPrisma();
const worker = startBenchWorker(scratch);
try {
  await worker.ready;
  const channel = await prisma.notificationChannel.create({ data: { name: "bench", kind: "WEBHOOK", secret, config: { url: hook.url, headers: {}, timeoutMs: 10_000 } } });
  // The bench's points are dated 2026-01-01: old data, so the rule must ask for it. No cooldown: every spike notifies.
  await prisma.alertRule.create({ data: { name: "bench", channelId: channel.id, minSeverity: "LOW", cooldownMinutes: 0, includeHistorical: true, notifyResolved: false } });
  const watch = setInterval(() => {
    for (const r of hook.received.splice(0)) {
      const body = JSON.parse(r.body) as { event: string; series: { id: string } };
      if (body.event === "anomaly.firing" && !arrived.has(body.series.id) && r.verdict === "accepted") arrived.set(body.series.id, performance.now());
    }
  }, 5);

  const opts = { series: Number(args.series), rate: Number(args.rate), seconds: Number(args.seconds), injected: Number(args.injected), detector: benchDetector("zscore") };
  say(`(a) latency: ${opts.rate} points/s over ${opts.series} series for ${opts.seconds} s, ${opts.injected} injected spikes, 1 worker`);
  const r = await runLatency(scratch, opts, say);
  const deadline = performance.now() + 30_000;
  while ([...r.spikeSentAt.keys()].some((id) => !arrived.has(id)) && performance.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  clearInterval(watch);
  const hookMs = [...r.spikeSentAt].filter(([id]) => arrived.has(id)).map(([id, t0]) => arrived.get(id)! - t0).sort((a, b) => a - b);
  const [a50, a95, a99] = pct(r.anomalyMs);
  const [w50, w95, w99] = pct(hookMs);
  printTable(
    ["measure", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"],
    [
      ["ingest -> anomaly row (baseline)", `${r.anomalyMs.length}/${r.injected}`, fixed(a50, 0), fixed(a95, 0), fixed(a99, 0), fixed(r.anomalyMs.at(-1), 0)],
      ["ingest -> webhook received", `${hookMs.length}/${r.injected}`, fixed(w50, 0), fixed(w95, 0), fixed(w99, 0), fixed(hookMs.at(-1), 0)],
    ],
  );
  const sent = await prisma.delivery.count({ where: { status: "SENT" } });
  say(`deliveries sent: ${sent} (false positives among them: ${r.falsePositives}); goal p95 < 1000 ms: ${w95 < 1000 && hookMs.length === r.injected ? "met" : "NOT met"}`);

  // (b) a burst: N open anomalies, each with an outbox row, rung at once by the sweep.
  const burst = Number(args.burst);
  const series = await prisma.series.findMany({ take: burst, select: { id: true } });
  const now = Date.now();
  const anomalies = Array.from({ length: burst }, (_, i) => ({
    id: `burst-${i}`, detectorId: r.detectorId, seriesId: series[i % series.length].id, startTs: new Date(now - 60_000 - i * 1000), endTs: new Date(now - i * 1000),
    peakTs: new Date(now - 30_000 - i * 1000), peakScore: 0.95, severity: "HIGH" as const, actual: 200, expected: 100, lower: 95, upper: 105, ongoing: true,
  }));
  await prisma.anomaly.createMany({ data: anomalies });
  await prisma.alertOutbox.createMany({ data: anomalies.map((a) => ({ anomalyId: a.id, touchedAt: new Date(now - 60_000) })) });
  const before = hook.accepted.size;
  const t0 = performance.now();
  await sweepAlerts(await getQueueBackend());
  // Done when every anomaly was delivered or decided against (a suppressed decision sends nothing).
  const suppressed = () => prisma.delivery.count({ where: { anomalyId: { startsWith: "burst-" }, status: "SUPPRESSED" } });
  let lastCheck = 0;
  let held = 0;
  while (hook.accepted.size - before + held < burst && performance.now() - t0 < 120_000) {
    await new Promise((res) => setTimeout(res, 20));
    if (hook.accepted.size - before > burst * 0.95 && performance.now() - lastCheck > 250) [held, lastCheck] = [await suppressed(), performance.now()];
  }
  const seconds = (performance.now() - t0) / 1000;
  const delivered = hook.accepted.size - before;
  printTable(["burst", "delivered", "seconds", "deliveries/s"], [[burst, delivered, fixed(seconds, 2), formatRate(delivered / seconds)]]);
  if (delivered < burst) {
    const states = await prisma.delivery.groupBy({ by: ["status", "reason"], where: { anomalyId: { startsWith: "burst-" }, status: { not: "SENT" } }, _count: true });
    say(`not delivered: ${states.map((x) => `${x.status} (${x.reason}) ${x._count}`).join(", ")}`);
  }
} finally {
  await worker.stop();
  await hook.close();
  await (await getQueueBackend()).close();
  await disconnectPrisma();
  await scratch.drop();
}
process.exit(0);
