-- Detect jobs run per (detector, shard), the shard being the first hex digit of md5(seriesId)
-- (lib/pipeline/shard.ts). This expression index lets findLaggingSeries read only the shard's
-- attached series instead of hashing every series of the detector. Prisma's schema cannot express
-- an expression index; `prisma migrate diff` leaves it alone.
CREATE INDEX "DetectorSeries_detectorId_shard_idx" ON "DetectorSeries" ("detectorId", (substr(md5("seriesId"), 1, 1)), "seriesId");
