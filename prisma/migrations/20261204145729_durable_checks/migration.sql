-- AlterTable
ALTER TABLE "DetectorState" ADD COLUMN     "verifyAfter" TIMESTAMPTZ(3),
ADD COLUMN     "verifyScored" INTEGER,
ADD COLUMN     "verifySince" TIMESTAMPTZ(3),
ADD COLUMN     "verifyUpTo" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "IngestCheck" (
    "id" BIGSERIAL NOT NULL,
    "seriesIds" TEXT[],
    "firsts" TIMESTAMPTZ(3)[],
    "filedDetectorIds" TEXT[],
    "filedSubjectIds" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IngestCheck_pkey" PRIMARY KEY ("id")
);
