-- Points, rollups and dirty ranges keyed by a compact integer series key ("Series".key) instead of
-- the 25-character text id: the primary key of "DataPoint" shrinks from (text, timestamptz) to
-- (int, timestamptz). Every point and rollup is kept.
--
-- Upgrade cost: each month partition is copied into a new one (joined to "Series" for its key) and
-- the old month dropped at once, so the disk holds one extra month at a time, not a second table;
-- the primary keys are built afterwards, one sorted index build per month. Measured on a copy with
-- 4,000,000 points over 40 series and 3 months plus their 677,800 rollups (2 cores shared, load 20):
-- 9.4 s of the database backend's CPU and 47 s wall, so about 2.4 s CPU (12 s wall under that load)
-- per million points. It is one transaction: points cannot be written meanwhile (readers of other
-- tables go on), and every point is kept or the upgrade leaves everything as it was.

-- AlterTable
ALTER TABLE "Series" ADD COLUMN     "key" SERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Series_key_key" ON "Series"("key");

-- Dirty ranges recorded per series key from now on (the triggers' transition tables carry it).
CREATE OR REPLACE FUNCTION vigil_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RollupDirty" ("seriesKey", "fromTs", "toTs")
  SELECT "seriesKey", min(ts), max(ts) FROM changed GROUP BY "seriesKey";
  RETURN NULL;
END
$$;

-- The month partition function moves waiting points by the new key.
CREATE OR REPLACE FUNCTION vigil_point_partition(month timestamptz) RETURNS text LANGUAGE plpgsql AS $$
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
    EXECUTE format('WITH moved AS (DELETE FROM "DataPoint_default" WHERE ts >= %L AND ts < %L RETURNING "seriesKey", ts, value)
      INSERT INTO %I ("seriesKey", ts, value) SELECT "seriesKey", ts, value FROM moved', lo, hi, name);
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY ("seriesKey", ts)', name);
    EXECUTE format('ALTER TABLE "DataPoint" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF "DataPoint" FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  END IF;
  RETURN name;
END
$$;

-- Points: a new partitioned table without its key yet, each old partition copied into its twin
-- and dropped, then the old parent dropped (its foreign key and triggers with it) and the new one
-- renamed into place.
CREATE TABLE "DataPoint_next" (
    "seriesKey" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL
) PARTITION BY RANGE ("ts");

DO $$
DECLARE
  part record;
BEGIN
  FOR part IN
    SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = '"DataPoint"'::regclass ORDER BY c.relname
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "DataPoint_next" %s', part.name || '_next', part.bound);
    EXECUTE format('INSERT INTO %I ("seriesKey", ts, value) SELECT s.key, p.ts, p.value FROM %I p JOIN "Series" s ON s.id = p."seriesId"',
      part.name || '_next', part.name);
    EXECUTE format('DROP TABLE %I', part.name);
  END LOOP;
END
$$;

DROP TABLE "DataPoint";
ALTER TABLE "DataPoint_next" RENAME TO "DataPoint";

DO $$
DECLARE
  part record;
BEGIN
  FOR part IN
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = '"DataPoint"'::regclass
  LOOP
    EXECUTE format('ALTER TABLE %I RENAME TO %I', part.name, left(part.name, -length('_next')));
  END LOOP;
END
$$;

ALTER TABLE "DataPoint" ADD CONSTRAINT "DataPoint_pkey" PRIMARY KEY ("seriesKey", "ts");

-- AddForeignKey
ALTER TABLE "DataPoint" ADD CONSTRAINT "DataPoint_seriesKey_fkey" FOREIGN KEY ("seriesKey") REFERENCES "Series"("key") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TRIGGER "DataPoint_rollup_insert" AFTER INSERT ON "DataPoint"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
CREATE TRIGGER "DataPoint_rollup_update" AFTER UPDATE ON "DataPoint"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
CREATE TRIGGER "DataPoint_rollup_delete" AFTER DELETE ON "DataPoint"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();

-- Rollups: copied with their key (the same rows), then keyed and linked.
ALTER TABLE "PointRollup" RENAME TO "PointRollup_old";
ALTER TABLE "PointRollup_old" RENAME CONSTRAINT "PointRollup_pkey" TO "PointRollup_old_pkey";
CREATE TABLE "PointRollup" (
    "seriesKey" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "firstTs" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL
);
INSERT INTO "PointRollup" ("seriesKey", width, bucket, "firstTs", count, sum, min, max)
SELECT s.key, r.width, r.bucket, r."firstTs", r.count, r.sum, r.min, r.max FROM "PointRollup_old" r JOIN "Series" s ON s.id = r."seriesId";
DROP TABLE "PointRollup_old";
ALTER TABLE "PointRollup" ADD CONSTRAINT "PointRollup_pkey" PRIMARY KEY ("seriesKey", "width", "bucket");

-- AddForeignKey
ALTER TABLE "PointRollup" ADD CONSTRAINT "PointRollup_seriesKey_fkey" FOREIGN KEY ("seriesKey") REFERENCES "Series"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- Pending dirty ranges carried over (those of series deleted since have nothing left to derive).
DROP INDEX "RollupDirty_seriesId_idx";
ALTER TABLE "RollupDirty" ADD COLUMN "seriesKey" INTEGER;
UPDATE "RollupDirty" d SET "seriesKey" = s.key FROM "Series" s WHERE s.id = d."seriesId";
DELETE FROM "RollupDirty" WHERE "seriesKey" IS NULL;
ALTER TABLE "RollupDirty" DROP COLUMN "seriesId", ALTER COLUMN "seriesKey" SET NOT NULL;

-- CreateIndex
CREATE INDEX "RollupDirty_seriesKey_idx" ON "RollupDirty"("seriesKey");
