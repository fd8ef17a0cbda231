import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { errorResponse } from "@/lib/server/api/errors";
import { getPgPool } from "@/lib/server/pg-pool";
import { createSource } from "@/lib/server/queries/sources";
import { createSourceKey } from "@/lib/server/queries/api-keys";
import type { SeriesPoints } from "@/lib/ingest/batch";
import { writeBatch } from "@/lib/ingest/write";

const db = withTestDatabase();

const t0 = Date.parse("2024-05-01T00:00:00Z");
let sourceId = "";
let keyId = "";

function seriesOf(metric: string, ms: number[], values: number[], labels: Record<string, string> = {}): SeriesPoints {
  return { metric, labels, labelsKey: Object.keys(labels).length ? JSON.stringify(labels) : "", ms, values };
}

const pointsOf = (metric: string) => getPrisma().dataPoint.count({ where: { series: { sourceId, metric } } });

beforeAll(async () => {
  const s = await createSource({ name: "writer", kind: "HTTP_PUSH", config: {} }, null);
  sourceId = s.id;
  keyId = (await createSourceKey(s.id, "k", null)).id;
});

describe("writeBatch", () => {
  it("writes points over several chunks (last value wins across them) and stamps source and key in UTC", async () => {
    const n = 30_000;
    const ms = Array.from({ length: n }, (_, i) => t0 + i * 1000);
    // Two series of 30,000 points: the write spans two chunks; w.b's first point is sent again last.
    const a = seriesOf("w.a", ms, ms.map((_, i) => i));
    const b = seriesOf("w.b", [...ms, t0], [...ms.map((_, i) => -i), 42], { host: "x" });
    const before = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } });

    const result = await writeBatch(sourceId, keyId, [b, a]);

    const rows = await getPrisma().series.findMany({ where: { sourceId }, orderBy: { metric: "asc" } });
    // The repeated timestamp is one stored point.
    expect(result).toEqual({ accepted: 2 * n, series: 2, seriesIds: rows.map((r) => r.id), changedSeriesIds: rows.map((r) => r.id) });
    expect([await pointsOf("w.a"), await pointsOf("w.b")]).toEqual([n, n]);
    const first = await getPrisma().dataPoint.findUniqueOrThrow({ where: { seriesKey_ts: { seriesKey: rows[1].key, ts: new Date(t0) } } });
    expect(first.value).toBe(42);
    const source = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } });
    const key = await getPrisma().apiKey.findUniqueOrThrow({ where: { id: keyId } });
    expect(Math.abs(source.lastIngestedAt!.getTime() - Date.now())).toBeLessThan(30_000);
    expect(key.lastUsedAt).toEqual(source.lastIngestedAt);
    expect(source.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
  });

  it("rolls everything back when a step fails: no series, no points, no stamps", async () => {
    const before = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } });
    const err = await writeBatch(sourceId, "no-such-key", [seriesOf("w.rollback", [t0], [1])]).catch((e: unknown) => e);
    expect(errorResponse(err).status).toBe(404);
    expect(await getPrisma().series.count({ where: { metric: "w.rollback" } })).toBe(0);
    expect((await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } })).lastIngestedAt).toEqual(before.lastIngestedAt);
  });

  it("does not wait for another write's stamp: writes to one source never queue on its row", async () => {
    await writeBatch(sourceId, keyId, [seriesOf("w.stamp", [t0], [1])]);
    const stamped = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } });
    const locker = new pg.Client({ connectionString: db.url() });
    await locker.connect();
    try {
      // Another write's uncommitted stamp holds the row: this write leaves the stamp to it.
      await locker.query("BEGIN");
      await locker.query(`SELECT 1 FROM "DataSource" WHERE id = $1 FOR NO KEY UPDATE`, [sourceId]);
      const result = await writeBatch(sourceId, keyId, [seriesOf("w.stamp", [t0 + 1000], [2])]);
      expect(result.accepted).toBe(1);
      await locker.query("COMMIT");
    } finally {
      await locker.end();
    }
    const after = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } });
    expect(after.lastIngestedAt).toEqual(stamped.lastIngestedAt);
    expect(await pointsOf("w.stamp")).toBe(2);
  });

  it("a connection lost mid-write answers 503, leaves nothing behind, and the next write succeeds", async () => {
    const locker = new pg.Client({ connectionString: db.url() });
    const watcher = new pg.Client({ connectionString: db.url() });
    await Promise.all([locker.connect(), watcher.connect()]);
    try {
      // Locking the re-detection table makes the write wait there, after its points went in.
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE "RedetectRequest" IN EXCLUSIVE MODE`);
      const pending = writeBatch(sourceId, keyId, [seriesOf("w.lost", [t0, t0 + 1000], [1, 2])]).catch((e: unknown) => e);
      let terminated = false;
      for (let i = 0; i < 100 && !terminated; i++) {
        // From outside the locker's transaction, which would see one frozen snapshot of pg_stat_activity.
        const { rows } = await watcher.query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "RedetectRequest"%'`,
        );
        terminated = rows.some((r) => r.ok);
        if (!terminated) await new Promise((r) => setTimeout(r, 50));
      }
      expect(terminated).toBe(true);
      const err = await pending;
      expect((err as { code?: string }).code).toBe("57P01");
      const res = errorResponse(err);
      expect([res.status, res.headers.get("retry-after")]).toEqual([503, "2"]);
      await locker.query("COMMIT");
    } finally {
      await Promise.all([locker.end(), watcher.end()]);
    }
    expect(await pointsOf("w.lost")).toBe(0);
    expect(await getPrisma().series.count({ where: { metric: "w.lost" } })).toBe(0);

    const again = await writeBatch(sourceId, keyId, [seriesOf("w.lost", [t0, t0 + 1000], [1, 2])]);
    expect(again.accepted).toBe(2);
    expect(await pointsOf("w.lost")).toBe(2);
    const pool = getPgPool();
    expect({ waiting: pool.waitingCount, checkedOut: pool.totalCount - pool.idleCount }).toEqual({ waiting: 0, checkedOut: 0 });
  });
});
