-- CreateEnum
CREATE TYPE "IncidentState" AS ENUM ('ACTIVE', 'MERGED', 'GONE');

-- DropIndex
DROP INDEX "Anomaly_detectorId_seriesId_startTs_key";

-- AlterTable
ALTER TABLE "Anomaly" ADD COLUMN     "detection" "IncidentState" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "mergedIntoId" TEXT,
ADD COLUMN     "ongoing" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "DetectorSnapshot" (
    "detectorId" TEXT NOT NULL,
    "seriesId" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "state" JSONB NOT NULL,
    "modelId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DetectorSnapshot_pkey" PRIMARY KEY ("detectorId","seriesId","ts")
);

-- CreateTable
CREATE TABLE "RedetectRequest" (
    "detectorId" TEXT NOT NULL,
    "seriesId" TEXT NOT NULL,
    "fromTs" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RedetectRequest_pkey" PRIMARY KEY ("detectorId","seriesId")
);

-- CreateTable
CREATE TABLE "AnomalyActivity" (
    "id" BIGSERIAL NOT NULL,
    "anomalyId" TEXT NOT NULL,
    "userId" TEXT,
    "kind" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnomalyActivity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AnomalyActivity_anomalyId_createdAt_idx" ON "AnomalyActivity"("anomalyId", "createdAt");

-- CreateIndex
CREATE INDEX "Anomaly_detectorId_seriesId_startTs_idx" ON "Anomaly"("detectorId", "seriesId", "startTs");

-- AddForeignKey
ALTER TABLE "DetectorSnapshot" ADD CONSTRAINT "DetectorSnapshot_detectorId_fkey" FOREIGN KEY ("detectorId") REFERENCES "Detector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DetectorSnapshot" ADD CONSTRAINT "DetectorSnapshot_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Series"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RedetectRequest" ADD CONSTRAINT "RedetectRequest_detectorId_fkey" FOREIGN KEY ("detectorId") REFERENCES "Detector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RedetectRequest" ADD CONSTRAINT "RedetectRequest_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Series"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnomalyActivity" ADD CONSTRAINT "AnomalyActivity_anomalyId_fkey" FOREIGN KEY ("anomalyId") REFERENCES "Anomaly"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnomalyActivity" ADD CONSTRAINT "AnomalyActivity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
