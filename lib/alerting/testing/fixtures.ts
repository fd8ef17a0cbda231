/** Database fixtures for the alerting integration tests: a live anomaly on `cpu{host="web-1"}`, a channel and a rule. */
import { randomBytes } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { newWebhookSecret } from "@/lib/alerting/signature";

export async function createSeriesWithDetector(labels: Record<string, string> = { host: "web-1" }) {
  const prisma = getPrisma();
  const tag = randomBytes(4).toString("hex");
  const source = await prisma.dataSource.create({ data: { name: `web-${tag}`, kind: "HTTP_PUSH" } });
  const labelsKey = JSON.stringify(labels);
  const series = await prisma.series.create({ data: { sourceId: source.id, metric: "cpu.usage", labels, labelsKey } });
  const detector = await prisma.detector.create({ data: { name: `det-${tag}`, algorithm: "zscore", params: { window: 100, minPoints: 20 }, threshold: 0.6, series: { create: { seriesId: series.id } } } });
  return { sourceId: source.id, seriesId: series.id, detectorId: detector.id, sourceName: source.name };
}

/** An anomaly that started a minute ago and is still open (or `over`). */
export async function createAnomaly(ids: { seriesId: string; detectorId: string }, over: Partial<Prisma.AnomalyUncheckedCreateInput> = {}) {
  const now = Date.now();
  return getPrisma().anomaly.create({
    data: {
      detectorId: ids.detectorId,
      seriesId: ids.seriesId,
      startTs: new Date(now - 60_000),
      endTs: new Date(now - 1_000),
      peakTs: new Date(now - 30_000),
      peakScore: 0.95,
      severity: "HIGH",
      actual: 93.2,
      expected: 41,
      lower: 30,
      upper: 52,
      pointCount: 4,
      ongoing: true,
      ...over,
    },
  });
}

export async function createWebhookChannel(url: string, extra: { headers?: Record<string, string>; timeoutMs?: number } = {}) {
  const secret = newWebhookSecret();
  const channel = await getPrisma().notificationChannel.create({
    data: { name: `hook-${randomBytes(4).toString("hex")}`, kind: "WEBHOOK", secret, config: { url, headers: extra.headers ?? {}, timeoutMs: extra.timeoutMs ?? 5_000 } },
  });
  return { ...channel, secret };
}

export function createRule(channelId: string, over: Partial<Prisma.AlertRuleUncheckedCreateInput> = {}) {
  return getPrisma().alertRule.create({ data: { name: `rule-${randomBytes(3).toString("hex")}`, channelId, minSeverity: "MEDIUM", cooldownMinutes: 0, ...over } });
}

export function deliveriesOf(anomalyId: string) {
  return getPrisma().delivery.findMany({ where: { anomalyId }, orderBy: [{ createdAt: "asc" }, { kind: "asc" }] });
}
