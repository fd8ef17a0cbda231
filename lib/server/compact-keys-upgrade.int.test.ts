/**
 * The compact-key upgrade (migration `compact_point_keys`) runs while the release before it keeps
 * writing points by text series id: new points, corrections of points not yet copied and deletes.
 * Afterwards every point is there exactly once with its last written value, under its series' key.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/databases";

const dir = path.resolve("prisma/migrations");
const UPGRADE = "20261203165500_compact_point_keys";
const SERIES = ["series-a".padEnd(25, "0"), "series-b".padEnd(25, "0"), "series-c".padEnd(25, "0")];
const PER_SERIES = 40_000; // two-minute points: 55 days, three months, more than one batch per month
const START = Date.UTC(2025, 0, 10);
const STEP = 120_000;

/** Applies one point write by text id (the release before) or, once that column is gone, by key. */
async function write(c: pg.Client, compact: { on: boolean }, op: "put" | "del", id: string, ts: number, value = 0) {
  const old = op === "put"
    ? [`INSERT INTO "DataPoint" ("seriesId", ts, value) VALUES ($1, $2, $3) ON CONFLICT ("seriesId", ts) DO UPDATE SET value = EXCLUDED.value`, [id, new Date(ts), value]]
    : [`DELETE FROM "DataPoint" WHERE "seriesId" = $1 AND ts = $2`, [id, new Date(ts)]];
  const keyed = op === "put"
    ? [`INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT key, $2, $3 FROM "Series" WHERE id = $1 ON CONFLICT ("seriesKey", ts) DO UPDATE SET value = EXCLUDED.value`, [id, new Date(ts), value]]
    : [`DELETE FROM "DataPoint" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = $1) AND ts = $2`, [id, new Date(ts)]];
  if (!compact.on) {
    try {
      await c.query(old[0] as string, old[1] as unknown[]);
      return "old";
    } catch (e) {
      if ((e as { code?: string }).code !== "42703") throw e; // the text id column is gone: upgraded
      compact.on = true;
    }
  }
  await c.query(keyed[0] as string, keyed[1] as unknown[]);
  return "keyed";
}

describe("compact point keys upgrade", () => {
  it("keeps every point exactly once while the old release writes, corrects and deletes points", async () => {
    const db = await createTestDatabase({ empty: true });
    const c = new pg.Client({ connectionString: db.url });
    const w = new pg.Client({ connectionString: db.url });
    await Promise.all([c.connect(), w.connect()]);
    try {
      for (const m of readdirSync(dir).filter((d) => /^\d{14}_/.test(d) && d < UPGRADE).sort()) {
        await c.query(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
      }
      for (const month of [0, 1, 2, 3]) await c.query(`SELECT vigil_point_partition($1)`, [new Date(Date.UTC(2025, month, 1))]);
      await c.query(`INSERT INTO "DataSource" (id, name, kind, "updatedAt") VALUES ('src', 'src', 'HTTP_PUSH', now())`);
      const expected = new Map<string, number>();
      for (const id of SERIES) {
        await c.query(`INSERT INTO "Series" (id, "sourceId", metric) VALUES ($1, 'src', $1)`, [id]);
        await c.query(`INSERT INTO "DataPoint" ("seriesId", ts, value) SELECT $1, to_timestamp(($2::float8 + g * $3::float8) / 1000), g FROM generate_series(0, $4::int - 1) g`,
          [id, START, STEP, PER_SERIES]);
        for (let g = 0; g < PER_SERIES; g++) expected.set(`${id} ${START + g * STEP}`, g);
      }
      await c.query(`INSERT INTO "PointRollup" ("seriesId", width, bucket, "firstTs", count, sum, min, max)
        SELECT $1, 3600, to_timestamp(g * 3600), to_timestamp(g * 3600), 30, 1, 0, 1 FROM generate_series(1, 1000) g`, [SERIES[0]]);
      await c.query(`INSERT INTO "RollupDirty" ("seriesId", "fromTs", "toTs") VALUES ($1, to_timestamp(0), to_timestamp(60))`, [SERIES[1]]);

      // The writer: corrections and deletes spread over every month (copied or not yet), and new points.
      const compact = { on: false };
      let upgrading = true;
      const byRelease = { old: 0, keyed: 0 };
      const writer = (async () => {
        for (let k = 0; upgrading || byRelease.keyed < 20; k++) {
          const id = SERIES[k % SERIES.length];
          const g = (k * 7919) % PER_SERIES;
          const ts = START + g * STEP;
          const kind = k % 3;
          if (kind === 0) {
            byRelease[await write(w, compact, "put", id, ts, -k)]++;
            expected.set(`${id} ${ts}`, -k);
          } else if (kind === 1) {
            byRelease[await write(w, compact, "del", id, ts)]++;
            expected.delete(`${id} ${ts}`);
          } else {
            const fresh = START + (PER_SERIES + k) * STEP;
            byRelease[await write(w, compact, "put", id, fresh, k)]++;
            expected.set(`${id} ${fresh}`, k);
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      const writesBefore = byRelease.old;
      await c.query(readFileSync(path.join(dir, UPGRADE, "migration.sql"), "utf8"));
      upgrading = false;
      await writer;
      // The release before went on writing during the upgrade; the new one took over after it.
      expect(byRelease.old).toBeGreaterThan(writesBefore);
      expect(byRelease.keyed).toBeGreaterThanOrEqual(20);

      const rows = (await c.query<{ id: string; ts: Date; value: number }>(
        `SELECT s.id, p.ts, p.value FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey"`)).rows;
      const actual = new Map(rows.map((r) => [`${r.id} ${r.ts.getTime()}`, r.value]));
      expect(rows.length).toBe(actual.size);
      expect(actual.size).toBe(expected.size);
      const differing = [...expected].filter(([k, v]) => actual.get(k) !== v);
      expect(differing.slice(0, 5)).toEqual([]);

      const one = async (sql: string) => (await c.query(sql)).rows[0];
      expect(await one(`SELECT count(*)::int AS n, sum(r.count)::int AS c FROM "PointRollup" r JOIN "Series" s ON s.key = r."seriesKey" WHERE s.id = '${SERIES[0]}'`))
        .toEqual({ n: 1000, c: 30_000 });
      expect(await one(`SELECT count(*)::int AS n FROM "RollupDirty" d JOIN "Series" s ON s.key = d."seriesKey" WHERE s.id = '${SERIES[1]}'
        AND d."fromTs" = to_timestamp(0)`)).toEqual({ n: 1 });
      // The same shape as a fresh install: names, keys, months, triggers and functions.
      expect((await c.query(`SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
        WHERE h.inhparent = '"DataPoint"'::regclass ORDER BY 1`)).rows.map((r) => r.relname))
        .toEqual(expect.arrayContaining(["DataPoint_default", "DataPoint_p202501", "DataPoint_p202502", "DataPoint_p202503", "DataPoint_p202504"]));
      expect(await one(`SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('DataPoint_pkey', 'DataPoint_p202502_pkey', 'PointRollup_pkey', 'RollupDirty_seriesKey_idx')`)).toEqual({ n: 4 });
      expect(await one(`SELECT count(*)::int AS n FROM pg_class WHERE relname ~ '_next(_pkey)?$' OR relname LIKE '%mirror%'`)).toEqual({ n: 0 });
      expect(await one(`SELECT count(*)::int AS n FROM pg_proc WHERE proname LIKE 'vigil\\_%\\_mirror'`)).toEqual({ n: 0 });
      await c.query(`INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT key, to_timestamp(7200), 1 FROM "Series" WHERE id = '${SERIES[2]}'`);
      expect(await one(`SELECT count(*)::int AS n FROM "RollupDirty" WHERE "fromTs" = to_timestamp(7200)`)).toEqual({ n: 1 });
      expect(await one(`SELECT count(*)::int AS n FROM "DataPoint_default"`)).toEqual({ n: 1 });
      await expect(c.query(`INSERT INTO "DataPoint" ("seriesKey", ts, value) VALUES (-1, to_timestamp(7200), 1)`)).rejects.toThrow(/foreign key/);
      // A month created now moves its waiting points out of the default partition (the keyed function).
      expect(await one(`SELECT vigil_point_partition(to_timestamp(7200)) AS name`)).toEqual({ name: "DataPoint_p197001" });
      expect(await one(`SELECT count(*)::int AS n FROM "DataPoint_p197001"`)).toEqual({ n: 1 });
      // Applied again (a retried deploy), it changes nothing.
      await c.query(readFileSync(path.join(dir, UPGRADE, "migration.sql"), "utf8"));
      expect(await one(`SELECT count(*)::int AS n FROM "DataPoint"`)).toEqual({ n: expected.size + 1 });
    } finally {
      await Promise.all([c.end(), w.end()]);
      await db.drop();
    }
  }, 120_000);
});
