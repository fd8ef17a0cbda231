/**
 * Series are created on first sight, inside the caller's write transaction: one SELECT finds the
 * known ones (nearly always all of them), the missing are inserted with INSERT ... ON CONFLICT DO
 * NOTHING (safe when two writers race) and selected again. A series created here is
 * attached at once to every detector watching its source (DetectorSource), so a new label set on a
 * high-cardinality source is scored from its first point. The reconciler repeats that attachment
 * for the rare race with a rule added at the same moment (`attachWatchedSeries`). The rules are
 * read FOR KEY SHARE: an unwatch (DELETE of the rule) waits for this commit, then sees and detaches
 * the new series, instead of leaving it attached to a source no longer watched.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";

export interface SeriesKey {
  metric: string;
  labels: Record<string, string>;
  labelsKey: string;
}

/** A stored series: its id and its compact key (what points are keyed by). */
export interface ResolvedSeries {
  id: string;
  key: number;
}

/** Ids and keys of `series` (created when missing), in the same order. */
export async function resolveSeries(client: pg.ClientBase, sourceId: string, series: SeriesKey[]): Promise<ResolvedSeries[]> {
  const byKey = await findSeries(client, sourceId, series);
  const missing = series.filter((s) => !byKey.has(seriesKey(s)));
  if (missing.length > 0) {
    const created = await client.query<{ id: string }>(
      `INSERT INTO "Series" (id, "sourceId", metric, labels, "labelsKey")
       SELECT u.id, $1, u.metric, u.labels::jsonb, u.key
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, metric, labels, key)
       ON CONFLICT ("sourceId", metric, "labelsKey") DO NOTHING
       RETURNING id`,
      [sourceId, missing.map(() => randomUUID()), missing.map((s) => s.metric), missing.map((s) => JSON.stringify(s.labels)), missing.map((s) => s.labelsKey)],
    );
    if (created.rows.length > 0) {
      await client.query(
        `INSERT INTO "DetectorSeries" ("detectorId", "seriesId")
         SELECT w."detectorId", n.id
         FROM (SELECT "detectorId" FROM "DetectorSource" WHERE "sourceId" = $1 ORDER BY 1 FOR KEY SHARE) w
         CROSS JOIN unnest($2::text[]) AS n(id)
         ORDER BY 1, 2
         ON CONFLICT DO NOTHING`,
        [sourceId, created.rows.map((r) => r.id)],
      );
    }
    // Those created here and those a concurrent writer created first.
    for (const [key, found] of await findSeries(client, sourceId, missing)) byKey.set(key, found);
  }
  return series.map((s) => {
    const found = byKey.get(seriesKey(s));
    if (!found) throw new Error(`series ${s.metric} ${s.labelsKey} was not created`);
    return found;
  });
}

const seriesKey = (s: { metric: string; labelsKey: string }) => `${s.metric}\u0000${s.labelsKey}`;

/** Stored series of `series` by (metric, labels key): most writes find every series they name. */
async function findSeries(client: pg.ClientBase, sourceId: string, series: SeriesKey[]): Promise<Map<string, ResolvedSeries>> {
  const { rows } = await client.query<{ id: string; key: number; metric: string; labelsKey: string }>(
    `SELECT s.id, s.key, s.metric, s."labelsKey" FROM "Series" s
     JOIN unnest($2::text[], $3::text[]) AS u(metric, key) ON s.metric = u.metric AND s."labelsKey" = u.key
     WHERE s."sourceId" = $1`,
    [sourceId, series.map((s) => s.metric), series.map((s) => s.labelsKey)],
  );
  return new Map(rows.map((r) => [seriesKey(r), { id: r.id, key: r.key }]));
}
