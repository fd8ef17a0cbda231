/**
 * The groups of a grouped detector (lib/detectors/grouping.ts), formed from its attached series.
 * A group is created, with all its members, once a series exists for every member (a vector needs
 * all its positions); a group that appears later (a new host) is a new subject with its own state
 * and model. The first attached series per (group, metric) is the member. A series is in at most
 * one group of a detector.
 */
import { randomUUID } from "node:crypto";
import { getPgPool } from "@/lib/server/pg-pool";
import { formGroups, LIST_GROUP_KEY, readGrouping } from "@/lib/detectors/grouping";

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
    // The one grouping rule (the preview forms its group with it too): per key, the first series by id of each metric.
    for (const g of formGroups(grouping, rows)) wanted.set(g.key, g.members);
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
