/** Month partitions of "DataPoint" against the real PostgreSQL: creation ahead, the default partition, drops. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { writeBatch } from "@/lib/ingest/write";
import { refreshRollupsUntilClean } from "@/lib/storage/rollups";
import { applyRetention, DAY_MS, EXPIRED_SERIES_SQL } from "@/lib/storage/retention";
import { createPointPartitions, dropExpiredPartitions, ensurePointPartitions, listPointPartitions, MONTHS_AHEAD, seriesInSql } from "@/lib/storage/partitions";

withTestDatabase();

const HOUR = 3_600_000;

async function source(name: string, retentionDays: number | null): Promise<string> {
  const s = await getPrisma().dataSource.create({ data: { name, kind: "HTTP_PUSH", retentionDays } });
  return s.id;
}

/** Hourly points from `from` for `hours` hours, values 1..n; returns what the write changed. */
function write(sourceId: string, from: number, hours: number, value = (i: number) => i + 1) {
  const ms = Array.from({ length: hours }, (_, i) => from + i * HOUR);
  return writeBatch(sourceId, null, [{ metric: "m", labels: {}, labelsKey: "{}", ms, values: ms.map((_, i) => value(i)) }]);
}

async function count(table: string, sourceId?: string): Promise<number> {
  const { rows } = await getPgPool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${table}" p JOIN "Series" s ON s.key = p."seriesKey" WHERE $1::text IS NULL OR s."sourceId" = $1`,
    [sourceId ?? null],
  );
  return rows[0].n;
}

async function rollupsMatchPoints(): Promise<void> {
  const { rows } = await getPgPool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT "seriesKey", date_trunc('hour', ts) AS b, count(*)::int AS c, sum(value) AS s FROM "DataPoint" GROUP BY 1, 2
     ) p FULL JOIN (SELECT "seriesKey", bucket AS b, count AS c, sum AS s FROM "PointRollup" WHERE width = 3600) r
     USING ("seriesKey", b) WHERE p.c IS DISTINCT FROM r.c OR p.s IS DISTINCT FROM r.s`,
  );
  expect(rows[0].n).toBe(0);
}

describe("point partitions", () => {
  it("exist for this month and the ones ahead; points of other months wait in the default partition and move into their month", async () => {
    const now = Date.now();
    const names = (await listPointPartitions()).map((p) => p.name);
    for (let k = 0; k <= MONTHS_AHEAD; k++) {
      const d = new Date(now);
      const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1));
      expect(names).toContain(`DataPoint_p${m.getUTCFullYear()}${String(m.getUTCMonth() + 1).padStart(2, "0")}`);
    }

    const s = await source("old", null);
    const t0 = Date.parse("2019-03-31T12:00:00Z"); // 24 h across the end of March
    expect((await write(s, t0, 24)).changedSeriesIds).toHaveLength(1);
    expect(await count("DataPoint_default")).toBe(24);
    // The upsert on the default partition: an identical re-send changes nothing, a new value changes its point.
    expect((await write(s, t0, 24)).changedSeriesIds).toHaveLength(0);
    expect((await write(s, t0, 1, () => 99)).changedSeriesIds).toHaveLength(1);
    await refreshRollupsUntilClean();

    expect(await ensurePointPartitions(now)).toEqual({ moved: 24 });
    expect(await count("DataPoint_default")).toBe(0);
    expect(await count("DataPoint_p201903")).toBe(12);
    expect(await count("DataPoint_p201904")).toBe(12);
    expect(await count("DataPoint")).toBe(24);
    const { rows } = await getPgPool().query<{ v: number }>(`SELECT value AS v FROM "DataPoint" WHERE ts = $1`, [new Date(t0)]);
    expect(rows).toEqual([{ v: 99 }]);
    // Moving changed no point, so the rollups still agree, and nothing was queued for them.
    expect(await getPrisma().rollupDirty.count()).toBe(0);
    await rollupsMatchPoints();
    expect(await ensurePointPartitions(now)).toEqual({ moved: 0 });
  });

  it("retention drops the months no source keeps, deletes the rest row by row, and the rollups follow", async () => {
    const now = Date.parse("2020-09-15T00:00:00Z");
    const short = await source("short", 30);
    const keep = await source("keep", null);
    await write(short, Date.parse("2020-05-01T00:00:00Z"), 31 * 24); // May: only this source
    await write(short, Date.parse("2020-07-01T00:00:00Z"), 24); // July: shared with a source that keeps it
    await write(keep, Date.parse("2020-07-02T00:00:00Z"), 24);
    await write(short, Date.parse("2020-08-10T00:00:00Z"), 24); // past the cutoff (Aug 16), in a month it keeps in part
    await write(short, Date.parse("2020-08-20T00:00:00Z"), 24); // kept
    await ensurePointPartitions(now);
    await refreshRollupsUntilClean();
    await rollupsMatchPoints();

    expect(await dropExpiredPartitions(now - 200 * DAY_MS)).toEqual([]); // nothing past retention then
    const r = await applyRetention({ now });
    expect(r).toEqual({ sources: 1, dropped: 1, deleted: 48, done: true });
    const names = (await listPointPartitions()).map((p) => p.name);
    expect(names).not.toContain("DataPoint_p202005");
    expect(names).toContain("DataPoint_p202007");
    expect(await count("DataPoint", short)).toBe(24);
    expect(await count("DataPoint", keep)).toBe(24);
    // The rollup job removes the rollups of the dropped month and of the deleted rows.
    const may = `SELECT count(*)::int AS n FROM "PointRollup" WHERE bucket >= '2020-05-01' AND bucket < '2020-06-01'`;
    expect((await getPgPool().query<{ n: number }>(may)).rows[0].n).toBe(2 * 31 * 24);
    await refreshRollupsUntilClean();
    expect((await getPgPool().query<{ n: number }>(may)).rows[0].n).toBe(0);
    await rollupsMatchPoints();
    expect(await applyRetention({ now })).toEqual({ sources: 1, dropped: 0, deleted: 0, done: true });
  });

  it("a source keeping a month forever leaves it undropped without locking the table; the others' rows in it go in batches, and the month is dropped once nobody keeps it", async () => {
    const now = Date.parse("2021-09-15T00:00:00Z");
    const short = await source("month-short", 30);
    const forever = await source("month-forever", null);
    await write(short, Date.parse("2021-05-01T00:00:00Z"), 100);
    await write(forever, Date.parse("2021-05-10T00:00:00Z"), 10);
    await ensurePointPartitions(now);
    await refreshRollupsUntilClean();
    // Months the tests above left empty go first; this one stays.
    expect(await dropExpiredPartitions(now)).not.toContain("DataPoint_p202105");

    // Another session reads points in a long transaction: a table lock would wait for it.
    const reader = await getPgPool().connect();
    try {
      await reader.query(`BEGIN`);
      await reader.query(`SELECT count(*) FROM "DataPoint"`);
      // The month is kept (by "forever"): no lock asked for, the short source's rows deleted in batches of 30.
      expect(await applyRetention({ now, batch: 30, lockTimeoutMs: 600_000 })).toEqual({ sources: 2, dropped: 0, deleted: 100, done: true });
      expect(await count("DataPoint_p202105", short)).toBe(0);
      expect(await count("DataPoint_p202105", forever)).toBe(10);

      // Nobody keeps it any more, but the table lock is not granted in time: the run leaves the
      // month for the next one instead of failing (and deletes what it can by rows meanwhile).
      await getPrisma().dataSource.update({ where: { id: forever }, data: { retentionDays: 30 } });
      expect(await applyRetention({ now, lockTimeoutMs: 200 })).toEqual({ sources: 3, dropped: 0, deleted: 10, done: true });
      await write(forever, Date.parse("2021-05-11T00:00:00Z"), 1);
    } finally {
      await reader.query(`ROLLBACK`);
      reader.release();
    }
    expect(await applyRetention({ now })).toEqual({ sources: 3, dropped: 1, deleted: 0, done: true });
    expect((await listPointPartitions()).map((p) => p.name)).not.toContain("DataPoint_p202105");
    expect(await count("DataPoint", short)).toBe(0);
    expect(await count("DataPoint", forever)).toBe(0);
    await refreshRollupsUntilClean();
    await rollupsMatchPoints();
  });

  it("finds a month's series and a source's expired series through the key, also when each month holds one series", async () => {
    // One series, a point a minute for 20 days of one month: the statistics say every row of the
    // month matches the series, the case in which a plain EXISTS was planned as a scan of the month.
    const src = await source("one", 7);
    const month = Date.UTC(2024, 0, 1);
    await createPointPartitions(month, month);
    await write(src, month, 1);
    const pool = getPgPool();
    await pool.query(
      `INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT s.key, $2::timestamptz + g * interval '1 minute', g
       FROM "Series" s, generate_series(1, 28800) g WHERE s."sourceId" = $1`,
      [src, new Date(month)],
    );
    await pool.query(`ANALYZE "DataPoint_p202401"`);
    const plan = async (sql: string, values: unknown[] = []) =>
      (await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, values)).rows.map((r) => r["QUERY PLAN"]).join("\n");
    const monthPlan = await plan(`${seriesInSql("DataPoint_p202401")} SELECT s.key, s."sourceId" FROM k JOIN "Series" s ON s.key = k.key`);
    const expiredPlan = await plan(EXPIRED_SERIES_SQL, [src, new Date(month + 25 * DAY_MS)]);
    for (const p of [monthPlan, expiredPlan]) {
      expect(p).toMatch(/Index Only Scan using "DataPoint_p202401_pkey"/);
      expect(p).not.toMatch(/Seq Scan on "DataPoint_p202401"/);
    }
    const { rows } = await pool.query(EXPIRED_SERIES_SQL, [src, new Date(month + 25 * DAY_MS)]);
    expect(rows).toHaveLength(1);
  });
});
