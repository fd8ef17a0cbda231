/**
 * The groups of a grouped detector (lib/detectors/grouping.ts), formed from its attached series.
 * A group is created, with all its members, once a series exists for every member (a vector needs
 * all its positions); a group that appears later (a new host) is a new subject with its own state
 * and model. The first attached series per (group, metric) is the member. A series is in at most
 * one group of a detector.
 */
import { randomUUID } from "node:crypto";
import { getPgPool } from "@/lib/server/pg-pool";
import { groupKeyOf, LIST_GROUP_KEY, readGrouping } from "@/lib/detectors/grouping";

/** Forms the detector's missing groups; returns the ids of the groups it created. */
export async function syncGroups(detectorId: string): Promise<string[]> {
  const pool = getPgPool();
  const { rows: det } = await pool.query<{ grouping: unknown }>(`SELECT grouping FROM "Detector" WHERE id = $1`, [detectorId]);
  const grouping = readGrouping(det[0]?.grouping);
  if (!grouping) return [];
  const { rows } = await pool.query<{ id: string; metric: string; labels: Record<string, unknown> }>(
    `SELECT s.id, s.metric, s.labels FROM "DetectorSeries" ds JOIN "Series" s ON s.id = ds."seriesId"
     WHERE ds."detectorId" = $1
       AND NOT EXISTS (SELECT 1 FROM "SeriesGroupMember" m WHERE m."detectorId" = $1 AND m."seriesId" = s.id)
     ORDER BY s.id`,
    [detectorId],
  );
  const wanted = new Map<string, string[]>();
  if (grouping.seriesIds) {
    const attached = new Set(rows.map((r) => r.id));
    if (grouping.seriesIds.every((id) => attached.has(id))) wanted.set(LIST_GROUP_KEY, grouping.seriesIds);
  } else {
    const metrics = grouping.metrics!;
    const byKey = new Map<string, (string | undefined)[]>();
    for (const r of rows) {
      const pos = metrics.indexOf(r.metric);
      const key = pos < 0 ? null : groupKeyOf(grouping.by!, r.labels ?? {});
      if (key === null) continue;
      const slots = byKey.get(key) ?? byKey.set(key, metrics.map(() => undefined)).get(key)!;
      slots[pos] ??= r.id;
    }
    for (const [key, slots] of byKey) if (slots.every((s) => s !== undefined)) wanted.set(key, slots as string[]);
  }
  const created: string[] = [];
  for (const [key, members] of wanted) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const g = await client.query<{ id: string }>(
        `INSERT INTO "SeriesGroup" (id, "detectorId", key) VALUES ($1, $2, $3) ON CONFLICT ("detectorId", key) DO NOTHING RETURNING id`,
        [randomUUID(), detectorId, key],
      );
      const id = g.rows[0]?.id;
      if (id) {
        await client.query(
          `INSERT INTO "SeriesGroupMember" ("groupId", position, "detectorId", "seriesId")
           SELECT $1, v.i - 1, $2, v.s FROM unnest($3::text[]) WITH ORDINALITY AS v(s, i)`,
          [id, detectorId, members],
        );
        created.push(id);
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      // A member already in another group of the detector (a concurrent sync won): nothing to form.
      if ((err as { code?: string }).code !== "23505") throw err;
    } finally {
      client.release();
    }
  }
  return created;
}

/** Members of a group, in vector order, with their metric and labels (for the UI and the API). */
export async function listGroupMembers(groupId: string) {
  const { rows } = await getPgPool().query<{ seriesId: string; metric: string; labels: Record<string, string> }>(
    `SELECT m."seriesId", s.metric, s.labels FROM "SeriesGroupMember" m JOIN "Series" s ON s.id = m."seriesId"
     WHERE m."groupId" = $1 ORDER BY m.position`,
    [groupId],
  );
  return rows;
}
