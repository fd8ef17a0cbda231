-- Points partitioned by month (UTC) of their time: declarative range partitioning on "ts". The
-- primary key (seriesId, ts) includes the partition key, so the ingest upsert keeps its ON CONFLICT
-- (lib/ingest/changes.ts). A default partition takes points of months without a partition yet (far history,
-- far future); the worker's partition job creates months ahead and moves such points into their
-- month (lib/storage/partitions.ts). Retention drops whole expired months (same file).

-- Creates the partition of the month (UTC) that holds `month` when it is missing; returns its name.
-- Points of that month that arrived before it existed wait in the default partition: they are
-- moved into it (a plain table filled from the default, then attached), so it never fails on them.
CREATE FUNCTION vigil_point_partition(month timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m timestamp := date_trunc('month', month AT TIME ZONE 'UTC');
  lo timestamptz := m AT TIME ZONE 'UTC';
  hi timestamptz := (m + interval '1 month') AT TIME ZONE 'UTC';
  name text := 'DataPoint_p' || to_char(m, 'YYYYMM');
BEGIN
  IF to_regclass(format('%I', name)) IS NOT NULL THEN RETURN name; END IF;
  PERFORM pg_advisory_xact_lock(hashtext('vigil_point_partition'));
  IF to_regclass(format('%I', name)) IS NOT NULL THEN RETURN name; END IF;
  -- The lock creating a partition needs anyway, taken first: no write lands in the default
  -- partition while its rows move, and no lock is upgraded (no deadlock with ingest).
  PERFORM set_config('lock_timeout', '10s', true);
  LOCK TABLE ONLY "DataPoint" IN ACCESS EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM "DataPoint_default" WHERE ts >= lo AND ts < hi) THEN
    EXECUTE format('CREATE TABLE %I (LIKE "DataPoint")', name);
    EXECUTE format('WITH moved AS (DELETE FROM "DataPoint_default" WHERE ts >= %L AND ts < %L RETURNING "seriesId", ts, value)
      INSERT INTO %I ("seriesId", ts, value) SELECT "seriesId", ts, value FROM moved', lo, hi, name);
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY ("seriesId", ts)', name);
    EXECUTE format('ALTER TABLE "DataPoint" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF "DataPoint" FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  END IF;
  RETURN name;
END
$$;

ALTER TABLE "DataPoint" RENAME TO "DataPoint_unpartitioned";
ALTER TABLE "DataPoint_unpartitioned" RENAME CONSTRAINT "DataPoint_pkey" TO "DataPoint_unpartitioned_pkey";
ALTER TABLE "DataPoint_unpartitioned" DROP CONSTRAINT "DataPoint_seriesId_fkey";

CREATE TABLE "DataPoint" (
    "seriesId" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "DataPoint_pkey" PRIMARY KEY ("seriesId","ts")
) PARTITION BY RANGE ("ts");

CREATE TABLE "DataPoint_default" PARTITION OF "DataPoint" DEFAULT;

-- Every month that has points, and this month and the next three.
SELECT vigil_point_partition(m)
FROM (
  SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM "DataPoint_unpartitioned"
  UNION
  SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + n * interval '1 month' FROM generate_series(0, 3) n
) months;

-- Every point kept. The rollups already cover them (the triggers are created after the copy).
INSERT INTO "DataPoint" ("seriesId", ts, value) SELECT "seriesId", ts, value FROM "DataPoint_unpartitioned";
DROP TABLE "DataPoint_unpartitioned";

-- AddForeignKey
ALTER TABLE "DataPoint" ADD CONSTRAINT "DataPoint_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Series"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TRIGGER "DataPoint_rollup_insert" AFTER INSERT ON "DataPoint"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
CREATE TRIGGER "DataPoint_rollup_update" AFTER UPDATE ON "DataPoint"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
CREATE TRIGGER "DataPoint_rollup_delete" AFTER DELETE ON "DataPoint"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
