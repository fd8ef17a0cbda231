-- Every page commit updates its DetectorState row (watermark, version, the verify and seen records).
-- On full pages those updates could not stay on the row's page, so 72% of them were not HOT: each
-- wrote a new entry in both indexes. Half of every page is left free for updates (existing pages
-- get the room as they are rewritten by updates and vacuum). Prisma's schema cannot express this.
ALTER TABLE "DetectorState" SET (fillfactor = 50);
