-- Labels become history (a change is a new row; the current label is the latest) and outlive
-- their incident: each keeps the detector, series and span it was given to, and a deleted
-- detector (whose anomalies cascade away) now nulls anomalyId instead of deleting the label.

-- CreateEnum
CREATE TYPE "LabelReason" AS ENUM ('EXPECTED_EVENT', 'WRONG_SEVERITY', 'NOISE', 'OTHER');

-- DropForeignKey
ALTER TABLE "AnomalyLabel" DROP CONSTRAINT "AnomalyLabel_anomalyId_fkey";

-- DropIndex
DROP INDEX "AnomalyLabel_anomalyId_userId_key";

-- AlterTable: the identity columns are filled from the labelled incident before they become NOT NULL.
ALTER TABLE "AnomalyLabel" ADD COLUMN     "detectorId" TEXT,
ADD COLUMN     "endTs" TIMESTAMPTZ(3),
ADD COLUMN     "reason" "LabelReason",
ADD COLUMN     "seriesId" TEXT,
ADD COLUMN     "startTs" TIMESTAMPTZ(3),
ALTER COLUMN "anomalyId" DROP NOT NULL;

UPDATE "AnomalyLabel" l SET "detectorId" = a."detectorId", "seriesId" = a."seriesId", "startTs" = a."startTs", "endTs" = a."endTs"
FROM "Anomaly" a WHERE a.id = l."anomalyId";

ALTER TABLE "AnomalyLabel" ALTER COLUMN "detectorId" SET NOT NULL,
ALTER COLUMN "endTs" SET NOT NULL,
ALTER COLUMN "seriesId" SET NOT NULL,
ALTER COLUMN "startTs" SET NOT NULL;

-- CreateIndex
CREATE INDEX "AnomalyLabel_anomalyId_createdAt_idx" ON "AnomalyLabel"("anomalyId", "createdAt");

-- CreateIndex
CREATE INDEX "AnomalyLabel_detectorId_seriesId_startTs_idx" ON "AnomalyLabel"("detectorId", "seriesId", "startTs");

-- CreateIndex
CREATE INDEX "Anomaly_mergedIntoId_idx" ON "Anomaly"("mergedIntoId");

-- CreateIndex
CREATE INDEX "MissedAnomaly_detectorId_seriesId_startTs_idx" ON "MissedAnomaly"("detectorId", "seriesId", "startTs");

-- AddForeignKey
ALTER TABLE "AnomalyLabel" ADD CONSTRAINT "AnomalyLabel_anomalyId_fkey" FOREIGN KEY ("anomalyId") REFERENCES "Anomaly"("id") ON DELETE SET NULL ON UPDATE CASCADE;
