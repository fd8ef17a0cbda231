/**
 * Where a notify job's time goes in a burst: N open anomalies notified in this process at the
 * worker's concurrency, against a scratch database and a local receiver. Prints jobs/s and the
 * wall time of each phase. Usage: tsx scripts/bench/alert-burst-profile.ts [N] [concurrency]
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDeploy } from "../../lib/server/migrate";
import { resetEnvForTests } from "../../lib/env";
import { disconnectPrisma, getPrisma } from "../../lib/server/db";
import { notifyAnomaly } from "../../lib/alerting/notify";
import { startWebhookReceiver } from "../../lib/alerting/testing/receiver";
import { newWebhookSecret } from "../../lib/alerting/signature";

const n = Number(process.argv[2] ?? 500);
const concurrency = Number(process.argv[3] ?? 16);
const admin = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `vigil_prof_${randomBytes(4).toString("hex")}`;
const run = async (sql: string) => {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(sql).finally(() => c.end());
};
await run(`CREATE DATABASE ${name}`);
const url = Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
try {
  await migrateDeploy(url);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL = "warn";
  resetEnvForTests();
  const prisma = getPrisma();
  const secret = newWebhookSecret();
  const hook = await startWebhookReceiver({ secret });
  const source = await prisma.dataSource.create({ data: { name: "prof", kind: "HTTP_PUSH" } });
  const detector = await prisma.detector.create({ data: { name: "prof", algorithm: "zscore", params: {}, threshold: 0.6 } });
  const series = await Promise.all(Array.from({ length: 400 }, (_, i) => prisma.series.create({ data: { sourceId: source.id, metric: `m${i}`, labels: { i: String(i) }, labelsKey: String(i) } })));
  const channel = await prisma.notificationChannel.create({ data: { name: "prof", kind: "WEBHOOK", secret, config: { url: hook.url, headers: {}, timeoutMs: 10_000 } } });
  await prisma.alertRule.create({ data: { name: "prof", channelId: channel.id, minSeverity: "LOW", cooldownMinutes: 0, notifyResolved: false } });
  const now = Date.now();
  await prisma.anomaly.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      id: `a-${i}`, detectorId: detector.id, seriesId: series[i % 400].id, startTs: new Date(now - 60_000), endTs: new Date(now - 1000), peakTs: new Date(now - 30_000),
      peakScore: 0.95, severity: "HIGH" as const, actual: 200, expected: 100, lower: 95, upper: 105, ongoing: true,
    })),
  });
  const queue = Array.from({ length: n }, (_, i) => `a-${i}`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await notifyAnomaly(id, { retryLater: async () => undefined });
  }));
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${n} anomalies, concurrency ${concurrency}: ${s.toFixed(2)} s, ${(n / s).toFixed(0)} deliveries/s, accepted ${hook.accepted.size}, cpu ${((cpu.user + cpu.system) / 1000 / n).toFixed(1)} ms per delivery`);
  await hook.close();
} finally {
  await disconnectPrisma();
  await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
