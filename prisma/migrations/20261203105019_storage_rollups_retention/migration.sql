-- AlterTable
ALTER TABLE "DataSource" ADD COLUMN     "retentionDays" INTEGER;

-- CreateTable
CREATE TABLE "PointRollup" (
    "seriesId" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "firstTs" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "PointRollup_pkey" PRIMARY KEY ("seriesId","width","bucket")
);

-- CreateTable
CREATE TABLE "RollupDirty" (
    "id" BIGSERIAL NOT NULL,
    "seriesId" TEXT NOT NULL,
    "fromTs" TIMESTAMPTZ(3) NOT NULL,
    "toTs" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RollupDirty_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RollupDirty_seriesId_idx" ON "RollupDirty"("seriesId");

-- AddForeignKey
ALTER TABLE "PointRollup" ADD CONSTRAINT "PointRollup_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Series"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every change to points (any writer, deletes included) records the changed range per series for
-- the rollup job. Statement triggers with transition tables: one small insert per statement.
CREATE FUNCTION vigil_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RollupDirty" ("seriesId", "fromTs", "toTs")
  SELECT "seriesId", min(ts), max(ts) FROM changed GROUP BY "seriesId";
  RETURN NULL;
END
$$;

CREATE TRIGGER "DataPoint_rollup_insert" AFTER INSERT ON "DataPoint"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
CREATE TRIGGER "DataPoint_rollup_update" AFTER UPDATE ON "DataPoint"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();
CREATE TRIGGER "DataPoint_rollup_delete" AFTER DELETE ON "DataPoint"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION vigil_points_changed();

-- Points stored before this migration: their whole span per series (two index probes each);
-- the rollup job derives them in bounded chunks.
INSERT INTO "RollupDirty" ("seriesId", "fromTs", "toTs")
SELECT s.id, e.first, e.last FROM "Series" s
CROSS JOIN LATERAL (
  SELECT (SELECT ts FROM "DataPoint" WHERE "seriesId" = s.id ORDER BY ts ASC LIMIT 1) AS first,
         (SELECT ts FROM "DataPoint" WHERE "seriesId" = s.id ORDER BY ts DESC LIMIT 1) AS last
) e
WHERE e.first IS NOT NULL;
