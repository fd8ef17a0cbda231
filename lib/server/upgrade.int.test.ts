/**
 * An install from before incident identity upgrades in place: the migrations after it keep every
 * point, anomaly, label and comment, turn each detector checkpoint into the pair's snapshot, and
 * key state and incidents by subject (a series' subject id is its id).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/databases";

const dir = path.resolve("prisma/migrations");
const migrations = readdirSync(dir).filter((d) => /^\d{14}_/.test(d)).sort();
const FIRST_NEW = "20261201202557_incident_identity";

describe("upgrade from the session-2 schema", () => {
  it("keeps points, anomalies, labels and comments, and moves checkpoints into snapshots", async () => {
    const db = await createTestDatabase({ empty: true });
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const apply = (m: string) => c.query(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
      const old = migrations.filter((m) => m < FIRST_NEW);
      for (const m of old) await apply(m);
      await c.query(`
        INSERT INTO "User" (id, email, "passwordHash", "updatedAt") VALUES ('u1', 'a@t.test', 'x', now());
        INSERT INTO "DataSource" (id, name, kind, "updatedAt") VALUES ('src', 'src', 'HTTP_PUSH', now());
        INSERT INTO "Series" (id, "sourceId", metric) VALUES ('s1', 'src', 'cpu');
        INSERT INTO "DataPoint" ("seriesId", ts, value) SELECT 's1', to_timestamp(i * 60), i FROM generate_series(1, 100) i;
        INSERT INTO "Detector" (id, name, algorithm, "updatedAt") VALUES ('d1', 'd', 'zscore', now());
        INSERT INTO "DetectorSeries" ("detectorId", "seriesId") VALUES ('d1', 's1');
        INSERT INTO "DetectorState" ("detectorId", "seriesId", state, watermark, "updatedAt")
          VALUES ('d1', 's1', '{"v":1,"config":"c","detector":{"x":1},"events":{"open":null,"normalSince":0}}', to_timestamp(6000), now());
        INSERT INTO "Anomaly" (id, "detectorId", "seriesId", "startTs", "endTs", "peakTs", "peakScore", severity, status, "updatedAt")
          VALUES ('a1', 'd1', 's1', to_timestamp(3000), to_timestamp(3060), to_timestamp(3000), 0.9, 'HIGH', 'ACKNOWLEDGED', now());
        INSERT INTO "AnomalyLabel" (id, "anomalyId", "userId", value, "updatedAt") VALUES ('l1', 'a1', 'u1', 'TRUE_POSITIVE', now());
        INSERT INTO "AnomalyComment" (id, "anomalyId", "userId", body) VALUES ('c1', 'a1', 'u1', 'seen');`);
      const fresh = migrations.filter((m) => m >= FIRST_NEW);
      expect(fresh.length).toBeGreaterThanOrEqual(2);
      for (const m of fresh) await apply(m);

      const one = async (sql: string) => (await c.query(sql)).rows[0];
      expect(await one(`SELECT count(*)::int AS n FROM "DataPoint"`)).toEqual({ n: 100 });
      // Points moved into the month partition of their time (points_partitioned), none left in the default one.
      expect(await one(`SELECT count(*)::int AS n FROM "DataPoint_p197001"`)).toEqual({ n: 100 });
      expect(await one(`SELECT count(*)::int AS n FROM "DataPoint_default"`)).toEqual({ n: 0 });
      expect(await one(`SELECT partstrat FROM pg_partitioned_table WHERE partrelid = '"DataPoint"'::regclass`)).toEqual({ partstrat: "r" });
      // Every point kept with its value, under its series' compact key (compact_point_keys).
      expect(await one(`SELECT count(*)::int AS n, sum(p.value)::int AS s, min(extract(epoch from p.ts))::int AS lo, max(extract(epoch from p.ts))::int AS hi
        FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey" WHERE s.id = 's1'`)).toEqual({ n: 100, s: 5050, lo: 60, hi: 6000 });
      expect(await one(`SELECT count(*)::int AS n FROM "PointRollup" r JOIN "Series" s ON s.key = r."seriesKey" WHERE s.id = 's1'`)).toEqual({ n: 0 });
      expect(await one(`SELECT count(*)::int AS n FROM "RollupDirty" d JOIN "Series" s ON s.key = d."seriesKey" WHERE s.id = 's1'`)).toEqual({ n: 1 });
      // The rollup triggers and the foreign key work on the partitioned table.
      await c.query(`INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT key, to_timestamp(7200), 1 FROM "Series" WHERE id = 's1'`);
      expect(await one(`SELECT count(*)::int AS n FROM "RollupDirty" WHERE "fromTs" = to_timestamp(7200)`)).toEqual({ n: 1 });
      await expect(c.query(`INSERT INTO "DataPoint" ("seriesKey", ts, value) VALUES (-1, to_timestamp(7200), 1)`)).rejects.toThrow(/foreign key/);
      expect(await one(`SELECT id, status, detection, ongoing FROM "Anomaly"`)).toEqual({ id: "a1", status: "ACKNOWLEDGED", detection: "ACTIVE", ongoing: false });
      expect(await one(`SELECT value FROM "AnomalyLabel" WHERE "anomalyId" = 'a1'`)).toEqual({ value: "TRUE_POSITIVE" });
      // Labels keep their incident's identity (lib/feedback): filled from the anomaly on upgrade.
      expect(await one(`SELECT "detectorId", "seriesId", extract(epoch from "startTs")::int AS s, extract(epoch from "endTs")::int AS e FROM "AnomalyLabel"`))
        .toEqual({ detectorId: "d1", seriesId: "s1", s: 3000, e: 3060 });
      expect(await one(`SELECT body FROM "AnomalyComment" WHERE "anomalyId" = 'a1'`)).toEqual({ body: "seen" });
      // Subjects: every row keeps its key, a series' subject id being the series id.
      expect(await one(`SELECT "subjectId", extract(epoch from watermark)::int AS w, version FROM "DetectorState"`)).toEqual({ subjectId: "s1", w: 6000, version: 0 });
      expect(await one(`SELECT "subjectId", extract(epoch from ts)::int AS ts, state->'detector' AS d FROM "DetectorSnapshot"`)).toEqual({ subjectId: "s1", ts: 6000, d: { x: 1 } });
      expect(await one(`SELECT "subjectId", "groupId" FROM "Anomaly" WHERE id = 'a1'`)).toEqual({ subjectId: "s1", groupId: null });
      // A writer that names no subject gets its series'; deleting a series still takes its state.
      await c.query(`INSERT INTO "Anomaly" (id, "detectorId", "seriesId", "startTs", "endTs", "peakTs", "peakScore", severity, "updatedAt")
        VALUES ('a2', 'd1', 's1', to_timestamp(4000), to_timestamp(4000), to_timestamp(4000), 0.9, 'HIGH', now())`);
      expect(await one(`SELECT "subjectId" FROM "Anomaly" WHERE id = 'a2'`)).toEqual({ subjectId: "s1" });
      await c.query(`DELETE FROM "Series" WHERE id = 's1'`);
      expect(await one(`SELECT (SELECT count(*) FROM "DetectorState")::int + (SELECT count(*) FROM "DetectorSnapshot")::int AS n`)).toEqual({ n: 0 });
    } finally {
      await c.end();
      await db.drop();
    }
  });
});
