-- Detector snapshots are stored as json (the text as written) instead of jsonb: turning about
-- 100 KB of numbers into jsonb's numerics on every insert was most of PostgreSQL's cost of writing
-- a snapshot, and nothing queries inside the state. The values read back are the same; existing
-- rows are converted in place. lz4 is set again for the rewritten column (skipped without lz4).
ALTER TABLE "DetectorSnapshot" ALTER COLUMN "state" SET DATA TYPE JSON USING "state"::json;

DO $$
BEGIN
  ALTER TABLE "DetectorSnapshot" ALTER COLUMN "state" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 not available: DetectorSnapshot.state keeps the default compression';
END
$$;
