-- Points, rollups and dirty ranges keyed by a compact integer series key ("Series".key) instead of
-- the 25-character text id: the primary key of "DataPoint" shrinks from (text, timestamptz) to
-- (int, timestamptz). Every point and rollup is kept.
--
-- Online: point writes go on during the copy (lib/storage/README.md, "Compact point keys"). The
-- whole file is ONE statement (a DO block), so Prisma's single simple query runs it outside any
-- transaction block and the block may COMMIT between its steps:
-- 1. (one short transaction) "Series".key; keyed twins "DataPoint_next" / "PointRollup_next" with
--    every month; row triggers on the old tables that repeat each insert, update and delete of
--    the running release in the twin (the later write wins: the copy never overwrites);
-- 2. the old rows copied in ranges of 50 pages (about 5,000 points), each its own transaction
--    holding the month's SHARE lock: a write to that month waits for one range at most;
-- 3. (one short transaction, retried while the tables' lock is not granted within 1 s) the old
--    tables dropped, the twins renamed into place, dirty ranges re-keyed, triggers and functions
--    for the key installed. The release that wrote by text id cannot write points after this.
-- Needs PostgreSQL 14 or later (TID range scans). The disk needs room for a second copy of the
-- points and rollups until step 3. Interrupted, it is recorded as failed; after `prisma migrate
-- resolve --rolled-back` it runs again, keeping what the twins hold (the copy is taken again from
-- the start, skipping what is there).
DO $migration$
DECLARE
  part record;
  parts text[];
  i int;
  pages bigint;
  page bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
             AND table_name = 'DataPoint' AND column_name = 'seriesKey') THEN
    RETURN;
  END IF;

  -- Step 1, with the locks point writers take in their order (points, then series), not waiting
  -- longer than a second in front of them.
  LOOP
  BEGIN
  PERFORM set_config('lock_timeout', '1s', true);
  LOCK TABLE "DataPoint", "PointRollup" IN SHARE ROW EXCLUSIVE MODE;
  LOCK TABLE "Series" IN ACCESS EXCLUSIVE MODE;
  PERFORM set_config('lock_timeout', '0', true);
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                 AND table_name = 'Series' AND column_name = 'key') THEN
    ALTER TABLE "Series" ADD COLUMN "key" SERIAL NOT NULL;
    CREATE UNIQUE INDEX "Series_key_key" ON "Series"("key");
  END IF;

  -- Until step 3, a month created for the running release moves no waiting points out of the
  -- default partition (a move would bypass the twin); those points stay there for now.
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
    IF EXISTS (SELECT 1 FROM "DataPoint_default" WHERE ts >= lo AND ts < hi) THEN RETURN NULL; END IF;
    PERFORM set_config('lock_timeout', '10s', true);
    EXECUTE format('CREATE TABLE %I PARTITION OF "DataPoint" FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    RETURN name;
  END
  $$;

  IF to_regclass('"DataPoint_next"') IS NULL THEN
    CREATE TABLE "DataPoint_next" (
      "seriesKey" INTEGER NOT NULL,
      "ts" TIMESTAMPTZ(3) NOT NULL,
      "value" DOUBLE PRECISION NOT NULL,
      CONSTRAINT "DataPoint_next_pkey" PRIMARY KEY ("seriesKey", "ts")
    ) PARTITION BY RANGE ("ts");
    ALTER TABLE "DataPoint_next" ADD CONSTRAINT "DataPoint_seriesKey_fkey" FOREIGN KEY ("seriesKey") REFERENCES "Series"("key") ON DELETE CASCADE ON UPDATE CASCADE;
    FOR part IN
      SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
      WHERE h.inhparent = '"DataPoint"'::regclass ORDER BY c.relname
    LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF "DataPoint_next" %s', part.name || '_next', part.bound);
    END LOOP;

    CREATE TABLE "PointRollup_next" (
      "seriesKey" INTEGER NOT NULL,
      "width" INTEGER NOT NULL,
      "bucket" TIMESTAMPTZ(3) NOT NULL,
      "firstTs" TIMESTAMPTZ(3) NOT NULL,
      "count" INTEGER NOT NULL,
      "sum" DOUBLE PRECISION NOT NULL,
      "min" DOUBLE PRECISION NOT NULL,
      "max" DOUBLE PRECISION NOT NULL,
      CONSTRAINT "PointRollup_next_pkey" PRIMARY KEY ("seriesKey", "width", "bucket")
    );
    ALTER TABLE "PointRollup_next" ADD CONSTRAINT "PointRollup_seriesKey_fkey" FOREIGN KEY ("seriesKey") REFERENCES "Series"("key") ON DELETE CASCADE ON UPDATE CASCADE;
  END IF;

  CREATE OR REPLACE FUNCTION vigil_points_mirror() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD."seriesId", OLD.ts) IS DISTINCT FROM (NEW."seriesId", NEW.ts)) THEN
      DELETE FROM "DataPoint_next" d USING "Series" s
      WHERE s.id = OLD."seriesId" AND d."seriesKey" = s.key AND d.ts = OLD.ts;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO "DataPoint_next" ("seriesKey", ts, value)
      SELECT s.key, NEW.ts, NEW.value FROM "Series" s WHERE s.id = NEW."seriesId"
      ON CONFLICT ("seriesKey", ts) DO UPDATE SET value = EXCLUDED.value;
    END IF;
    RETURN NULL;
  END
  $$;
  CREATE OR REPLACE FUNCTION vigil_rollups_mirror() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD."seriesId", OLD.width, OLD.bucket) IS DISTINCT FROM (NEW."seriesId", NEW.width, NEW.bucket)) THEN
      DELETE FROM "PointRollup_next" d USING "Series" s
      WHERE s.id = OLD."seriesId" AND d."seriesKey" = s.key AND d.width = OLD.width AND d.bucket = OLD.bucket;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO "PointRollup_next" ("seriesKey", width, bucket, "firstTs", count, sum, min, max)
      SELECT s.key, NEW.width, NEW.bucket, NEW."firstTs", NEW.count, NEW.sum, NEW.min, NEW.max FROM "Series" s WHERE s.id = NEW."seriesId"
      ON CONFLICT ("seriesKey", width, bucket) DO UPDATE SET "firstTs" = EXCLUDED."firstTs", count = EXCLUDED.count,
        sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max;
    END IF;
    RETURN NULL;
  END
  $$;
  DROP TRIGGER IF EXISTS "DataPoint_mirror" ON "DataPoint";
  CREATE TRIGGER "DataPoint_mirror" AFTER INSERT OR UPDATE OR DELETE ON "DataPoint"
    FOR EACH ROW EXECUTE FUNCTION vigil_points_mirror();
  DROP TRIGGER IF EXISTS "PointRollup_mirror" ON "PointRollup";
  CREATE TRIGGER "PointRollup_mirror" AFTER INSERT OR UPDATE OR DELETE ON "PointRollup"
    FOR EACH ROW EXECUTE FUNCTION vigil_rollups_mirror();
  EXIT;
  EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
    NULL; -- writers held the tables: let them through and try again
  END;
  END LOOP;
  COMMIT;

  -- Step 2: the months that were there at step 1 (a month made later holds mirrored points only),
  -- then the rollups, in ranges of 50 pages (about 5,000 points) read in physical order. Each
  -- range is one transaction holding the table's SHARE lock: writes to that month wait for one
  -- range, and nothing changes under the copy (what changed since step 1 is in the twin already,
  -- and the copy never overwrites it).
  SELECT array_agg(c.relname::text ORDER BY c.relname) || ARRAY['PointRollup'] INTO parts
  FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = '"DataPoint"'::regclass;
  FOR i IN 1 .. array_length(parts, 1) LOOP
    CONTINUE WHEN to_regclass(format('%I', parts[i])) IS NULL;
    pages := pg_relation_size(format('%I', parts[i])) / current_setting('block_size')::bigint;
    page := 0;
    WHILE page < pages LOOP
      EXIT WHEN to_regclass(format('%I', parts[i])) IS NULL; -- dropped by retention meanwhile
      BEGIN
        PERFORM set_config('lock_timeout', '1s', true);
        EXECUTE format('LOCK TABLE %I IN SHARE MODE', parts[i]);
        PERFORM set_config('lock_timeout', '0', true);
        IF parts[i] = 'PointRollup' THEN
          INSERT INTO "PointRollup_next" ("seriesKey", width, bucket, "firstTs", count, sum, min, max)
          SELECT s.key, r.width, r.bucket, r."firstTs", r.count, r.sum, r.min, r.max
          FROM "PointRollup" r JOIN "Series" s ON s.id = r."seriesId"
          WHERE r.ctid >= format('(%s,0)', page)::tid AND r.ctid < format('(%s,0)', page + 50)::tid
          ON CONFLICT DO NOTHING;
        ELSE
          EXECUTE format('INSERT INTO "DataPoint_next" ("seriesKey", ts, value)
            SELECT s.key, p.ts, p.value FROM %I p JOIN "Series" s ON s.id = p."seriesId"
            WHERE p.ctid >= $1 AND p.ctid < $2 ON CONFLICT DO NOTHING', parts[i])
            USING format('(%s,0)', page)::tid, format('(%s,0)', page + 50)::tid;
        END IF;
        page := page + 50;
      EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
        NULL; -- a long write held the month: the range is taken again
      END;
      COMMIT;
    END LOOP;
  END LOOP;

  -- Step 3.
  LOOP
    BEGIN
      PERFORM set_config('lock_timeout', '1s', true);
      LOCK TABLE "DataPoint", "PointRollup", "RollupDirty" IN ACCESS EXCLUSIVE MODE;
      LOCK TABLE "Series" IN SHARE ROW EXCLUSIVE MODE;
      PERFORM set_config('lock_timeout', '0', true);

      -- Pending dirty ranges carried over (those of series deleted since have nothing left to derive).
      DROP INDEX "RollupDirty_seriesId_idx";
      ALTER TABLE "RollupDirty" ADD COLUMN "seriesKey" INTEGER;
      UPDATE "RollupDirty" d SET "seriesKey" = s.key FROM "Series" s WHERE s.id = d."seriesId";
      DELETE FROM "RollupDirty" WHERE "seriesKey" IS NULL;
      ALTER TABLE "RollupDirty" DROP COLUMN "seriesId", ALTER COLUMN "seriesKey" SET NOT NULL;
      CREATE INDEX "RollupDirty_seriesKey_idx" ON "RollupDirty"("seriesKey");

      DROP TABLE "DataPoint";
      DROP TABLE "PointRollup";
      DROP FUNCTION vigil_points_mirror();
      DROP FUNCTION vigil_rollups_mirror();
      ALTER TABLE "DataPoint_next" RENAME TO "DataPoint";
      ALTER INDEX "DataPoint_next_pkey" RENAME TO "DataPoint_pkey";
      FOR part IN
        SELECT c.relname AS name, x.relname AS pkey
        FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
        JOIN pg_index ix ON ix.indrelid = c.oid AND ix.indisprimary JOIN pg_class x ON x.oid = ix.indexrelid
        WHERE h.inhparent = '"DataPoint"'::regclass
      LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', part.name, left(part.name, -length('_next')));
        EXECUTE format('ALTER INDEX %I RENAME TO %I', part.pkey, left(part.name, -length('_next')) || '_pkey');
      END LOOP;
      ALTER TABLE "PointRollup_next" RENAME TO "PointRollup";
      ALTER INDEX "PointRollup_next_pkey" RENAME TO "PointRollup_pkey";

      -- Dirty ranges recorded per series key from now on (the triggers' transition tables carry it).
      CREATE OR REPLACE FUNCTION vigil_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO "RollupDirty" ("seriesKey", "fromTs", "toTs")
        SELECT "seriesKey", min(ts), max(ts) FROM changed GROUP BY "seriesKey";
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER "DataPoint_rollup_insert" AFTER INSERT ON "DataPoint"
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
      CREATE TRIGGER "DataPoint_rollup_update" AFTER UPDATE ON "DataPoint"
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
      CREATE TRIGGER "DataPoint_rollup_delete" AFTER DELETE ON "DataPoint"
        REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();

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
      EXIT;
    EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
      NULL; -- writers held the tables: let them through and try again
    END;
  END LOOP;
END
$migration$;
