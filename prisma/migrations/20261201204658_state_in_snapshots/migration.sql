-- The detector state moves from DetectorState.state into DetectorSnapshot (stored once): an
-- existing checkpoint becomes the pair's snapshot at its watermark (1970-01-01 for a pair that
-- never scored a point), with its model, so upgraded workers resume exactly where they were.
INSERT INTO "DetectorSnapshot" ("detectorId", "seriesId", ts, state, "modelId")
SELECT "detectorId", "seriesId", COALESCE(watermark, '1970-01-01T00:00:00Z'::timestamptz), state, "modelId"
FROM "DetectorState"
WHERE state IS NOT NULL AND jsonb_typeof(state) = 'object' AND state ? 'detector'
ON CONFLICT ("detectorId", "seriesId", ts) DO UPDATE SET state = EXCLUDED.state, "modelId" = EXCLUDED."modelId";

-- AlterTable
ALTER TABLE "DetectorState" ADD COLUMN     "redetectUntil" TIMESTAMPTZ(3),
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- A rewind's marker lived in the state; keep it as a column.
UPDATE "DetectorState" SET "redetectUntil" = to_timestamp((state->>'until')::float8 / 1000.0)
WHERE state IS NOT NULL AND jsonb_typeof(state) = 'object' AND state ? 'until';

ALTER TABLE "DetectorState" DROP COLUMN "state";
