/**
 * The write side of a CSV upload: validated points are staged chunk by chunk in a temporary
 * table inside one PostgreSQL transaction, then merged into DataPoint with one INSERT ... SELECT
 * (same upsert rule as ingest: per (series, ts) the last row of the file wins; rows written in
 * series order so concurrent writers do not deadlock). Nothing is visible before COMMIT; any error
 * rolls back, and the temp table is dropped with the transaction.
 * Plain `pg` rather than Prisma here: Prisma's debug module keeps the arguments of its last 100
 * calls, which for big chunked writes would hold ~100 chunks of points in memory.
 */
import pg from "pg";
import { countPointsIngested } from "@/lib/metrics/record";
import { getEnv } from "@/lib/env";
import type { SeriesPoints } from "@/lib/ingest/batch";
import { resolveSeries, type SeriesKey } from "@/lib/ingest/resolve-series";
import { addChanges, recheckOrLeave, requestRedetectForChanges, upsertPointsSql, type Changes, type UpsertRow } from "@/lib/ingest/changes";

export type StagedSeries = SeriesKey;

export interface MergeResult {
  accepted: number;
  seriesIds: string[];
  changedSeriesIds: string[];
}

export class UploadStage {
  private readonly series: StagedSeries[] = [];
  private readonly index = new Map<string, number>();
  private ord = 0;
  staged = 0;

  private constructor(private readonly client: pg.Client) {}

  static async open(): Promise<UploadStage> {
    const url = process.env.DATABASE_URL ?? getEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: call prepareDatabase() before uploading");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query(`CREATE TEMP TABLE upload_stage (si int NOT NULL, ms float8 NOT NULL, value float8 NOT NULL, ord bigint NOT NULL) ON COMMIT DROP`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return new UploadStage(client);
  }

  /** Stages one chunk of points (one round trip). */
  async stage(chunk: Iterable<SeriesPoints>): Promise<void> {
    const si: number[] = [];
    const ms: number[] = [];
    const vs: number[] = [];
    const ord: number[] = [];
    for (const s of chunk) {
      const key = `${s.metric}\u0000${s.labelsKey}`;
      let i = this.index.get(key);
      if (i === undefined) {
        i = this.series.push({ metric: s.metric, labels: s.labels, labelsKey: s.labelsKey });
        this.index.set(key, i);
      }
      for (let k = 0; k < s.ms.length; k++) {
        si.push(i);
        ms.push(s.ms[k]);
        vs.push(s.values[k]);
        ord.push(++this.ord);
      }
    }
    if (si.length === 0) return;
    await this.client.query(`INSERT INTO upload_stage SELECT * FROM unnest($1::int[], $2::float8[], $3::float8[], $4::bigint[])`, [si, ms, vs, ord]);
    this.staged += si.length;
  }

  /** Creates missing series, merges the staged points, stamps the source, and commits. */
  async commit(sourceId: string): Promise<MergeResult> {
    const c = this.client;
    const metrics = this.series.map((s) => s.metric);
    const keys = this.series.map((s) => s.labelsKey);
    const resolved = await resolveSeries(c, sourceId, this.series);
    const seriesIds = resolved.map((r) => r.id);
    // Canonical order (metric, labels), as ingest writes, so overlapping writers queue instead of deadlocking.
    const rank = this.series.map((_, i) => i).sort((a, b) => cmp(metrics[a], metrics[b]) || cmp(keys[a], keys[b]));
    const rankOf = new Array<number>(this.series.length);
    rank.forEach((seriesIndex, r) => (rankOf[seriesIndex] = r + 1));
    const { rows } = await c.query<UpsertRow>(
      upsertPointsSql(`SELECT DISTINCT ON (r.rank, st.ms) ($1::int[])[st.si] AS "seriesKey", to_timestamp(st.ms / 1000.0) AS ts, st.value
       FROM upload_stage st JOIN unnest($2::int[]) WITH ORDINALITY AS r(rank, si) ON r.si = st.si
       ORDER BY r.rank, st.ms, st.ord DESC`),
      [resolved.map((r) => r.key), rankOf],
    );
    const changes: Changes = new Map();
    addChanges(changes, rows, new Map(resolved.map((r) => [r.key, r.id])));
    const checkId = await requestRedetectForChanges(c, changes);
    const distinct = await c.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT DISTINCT si, ms FROM upload_stage) d`);
    const source = await c.query<{ kind: string }>(`UPDATE "DataSource" SET "lastIngestedAt" = now() WHERE id = $1 RETURNING kind`, [sourceId]);
    await c.query("COMMIT");
    // Again after the commit (see recheckAfterCommit).
    await recheckOrLeave(c, checkId);
    const accepted = Number(distinct.rows[0].n);
    if (source.rows[0]) countPointsIngested(source.rows[0].kind, accepted);
    return { accepted, seriesIds, changedSeriesIds: seriesIds.filter((id) => changes.has(id)) };
  }

  /** Rolls back (if not committed) and closes the connection. Safe to call twice. */
  async close(): Promise<void> {
    await this.client.query("ROLLBACK").catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
