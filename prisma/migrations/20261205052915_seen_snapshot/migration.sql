-- AlterTable
ALTER TABLE "DetectorState" ADD COLUMN     "seenAfter" TIMESTAMPTZ(3),
ADD COLUMN     "seenSnapshot" pg_snapshot,
ADD COLUMN     "seenUpTo" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "IngestCheck" ADD COLUMN     "xid" xid8;
