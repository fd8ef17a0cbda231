/**
 * Test fixture for grouped detection: cpu, mem and latency of hosts a and b, one point per minute,
 * moving together with a common load; host b's memory is pushed up by 40 at steps SPIKE..SPIKE+3.
 */
import { writeBatch } from "@/lib/ingest/write";
import { T0, STEP_MS } from "@/lib/pipeline/testing/fixtures";
import type { Grouping } from "@/lib/detectors/grouping";
import { getPrisma } from "@/lib/server/db";
import { createDetector } from "@/lib/server/queries/detectors";
import { runTraining } from "@/lib/pipeline/train-run";
import { runDetection } from "@/lib/pipeline/detect-run";

export const METRICS = ["cpu", "mem", "latency"] as const;
export const HOSTS = ["a", "b"] as const;
export const TRAIN = 400;
export const TOTAL = 600;
export const SPIKE = 520;

export const HOSTS_GROUPING: Grouping = { by: ["host"], metrics: [...METRICS], stepSeconds: 60, aggregate: "last", missing: "impute" };

/** A deterministic wobble, so the clusters have some width. */
const wobble = (i: number, k: number) => Math.sin(i * 0.7 + k * 1.3) * 0.5 + Math.sin(i * 0.13 + k) * 0.3;

export function valuesOf(host: string, metric: (typeof METRICS)[number], from: number, to: number): number[] {
  const k = METRICS.indexOf(metric) + (host === "b" ? 3 : 0);
  return Array.from({ length: to - from }, (_, j) => {
    const i = from + j;
    const load = 50 + 10 * Math.sin((2 * Math.PI * i) / 60);
    const base = metric === "cpu" ? load : metric === "mem" ? 20 + 0.5 * load : 5 + 0.1 * load;
    const injected = host === "b" && metric === "mem" && i >= SPIKE && i < SPIKE + 4 ? 40 : 0;
    return base + wobble(i, k) + injected;
  });
}

/** Steps [from, to) of every host's metrics, through ingest. */
export async function writeHosts(sourceId: string, from: number, to: number) {
  const ms = Array.from({ length: to - from }, (_, j) => T0 + (from + j) * STEP_MS);
  await writeBatch(
    sourceId,
    null,
    HOSTS.flatMap((host) => METRICS.map((metric) => ({ metric, labels: { host }, labelsKey: `host=${host}`, ms, values: valuesOf(host, metric, from, to) }))),
  );
}

/** A trained k-means detector grouped by host over a fresh source with the hosts' first TRAIN steps; its groups by key, with their members. */
export async function trainedHosts(name: string) {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name, kind: "HTTP_PUSH" } });
  await writeHosts(source.id, 0, TRAIN);
  const d = await createDetector(
    { name, algorithm: "kmeans", params: { k: 4, shingleSize: 1, seed: 7 }, mode: "STREAMING", trainingWindowHours: 24, enabled: true, seriesIds: [], sourceIds: [source.id], retrainCron: null, grouping: HOSTS_GROUPING },
    null,
  );
  await runTraining({ detectorId: d.id });
  const groups = await prisma.seriesGroup.findMany({ where: { detectorId: d.id }, orderBy: { key: "asc" }, include: { members: { orderBy: { position: "asc" } } } });
  return { sourceId: source.id, detectorId: d.id, groups };
}

const steps = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => T0 + (from + j) * STEP_MS);

/** One member's points at steps [from, to) for `writeBatch`, its values moved by `shift`. */
export const member = (host: string, metric: (typeof METRICS)[number], from: number, to: number, shift = 0) => ({
  metric,
  labels: { host },
  labelsKey: `host=${host}`,
  ms: steps(from, to),
  values: valuesOf(host, metric, from, to).map((v) => v + shift),
});

/** `trainedHosts`, with host b's group scored up to the end of training. */
export async function trainedHostsScored(name: string) {
  const { sourceId, detectorId, groups } = await trainedHosts(name);
  const b = groups[1].id;
  await runDetection({ detectorId, subjectId: b });
  return { source: { id: sourceId }, d: { id: detectorId }, b };
}
