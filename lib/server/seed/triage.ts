/**
 * Demo triage: the demo detector scores the NAB samples now (the worker's own shard job, run
 * in-process, so its watermarks move on and the worker continues from there without duplicates),
 * then some of its anomalies are acknowledged, assigned, commented and resolved by the demo
 * accounts, through the same triage functions the API uses. A new user opens a queue in use.
 * Runs only while nobody has triaged the demo detector's anomalies, so a second seed changes nothing.
 */
import { DETECT_SHARDS } from "@/lib/pipeline/shard";
import { runDetectShard } from "@/lib/pipeline/detect-shard";
import { getPrisma } from "@/lib/server/db";
import { addAnomalyComment, changeAnomalies } from "@/lib/server/queries/anomaly-triage";

export interface DemoTriage {
  anomalies: number;
  acknowledged: number;
  assigned: number;
  resolved: number;
}

const COMMENTS = [
  "Known maintenance window; nothing to do.",
  "Sensor recalibrated, values back to normal.",
  "Traffic spike from the marketing campaign; expected.",
];

export async function seedDemoTriage(detectorId: string): Promise<DemoTriage | null> {
  const prisma = getPrisma();
  const touched = await prisma.anomalyActivity.count({ where: { userId: { not: null }, anomaly: { detectorId } } });
  if (touched > 0) return null;
  for (let shard = 0; shard < DETECT_SHARDS; shard++) await runDetectShard({ detectorId, shard });
  const anomalies = await prisma.anomaly.findMany({ where: { detectorId, detection: "ACTIVE" }, orderBy: [{ peakScore: "desc" }, { id: "asc" }], select: { id: true } });
  const users = Object.fromEntries(
    (await prisma.user.findMany({ where: { disabled: false }, select: { id: true, role: true }, orderBy: { email: "asc" } })).map((u) => [u.role, u.id]),
  );
  const operator = users.OPERATOR ?? users.ADMIN;
  const analyst = users.ANALYST ?? operator;
  if (!operator || anomalies.length < 4) return { anomalies: anomalies.length, acknowledged: 0, assigned: 0, resolved: 0 };
  // Of the strongest: a quarter resolved with a comment, a quarter acknowledged and assigned, a few more assigned only; the rest open.
  const quarter = Math.max(1, Math.floor(Math.min(anomalies.length, 24) / 4));
  const ids = anomalies.map((a) => a.id);
  const resolved = ids.slice(0, quarter);
  const acknowledged = ids.slice(quarter, 2 * quarter);
  const assignedOnly = ids.slice(2 * quarter, 2 * quarter + Math.max(1, Math.floor(quarter / 2)));
  await changeAnomalies({ ids: resolved, status: "ACKNOWLEDGED", assigneeId: operator }, operator);
  for (const [i, id] of resolved.entries()) await addAnomalyComment(id, COMMENTS[i % COMMENTS.length], i % 2 ? analyst : operator);
  await changeAnomalies({ ids: resolved, status: "RESOLVED" }, operator);
  await changeAnomalies({ ids: acknowledged, status: "ACKNOWLEDGED", assigneeId: operator }, operator);
  await changeAnomalies({ ids: assignedOnly, assigneeId: operator }, operator);
  return { anomalies: anomalies.length, acknowledged: acknowledged.length, assigned: resolved.length + acknowledged.length + assignedOnly.length, resolved: resolved.length };
}
