-- Detector snapshots (about 100 KB of JSON per pair for the default detector) are compressed with
-- lz4 instead of pglz: on a backlog, pglz was most of the cost of writing one (about 5 ms of a
-- snapshot's 7 ms of PostgreSQL CPU; lz4 about 1.5 ms). Applies to new values; existing rows stay
-- as they are and read the same. A server built without lz4 keeps pglz (the statement is skipped).
DO $$
BEGIN
  ALTER TABLE "DetectorSnapshot" ALTER COLUMN "state" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 not available: DetectorSnapshot.state keeps the default compression';
END
$$;
