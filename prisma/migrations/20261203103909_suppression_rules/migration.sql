-- AlterTable
ALTER TABLE "Anomaly" ADD COLUMN     "suppressedById" TEXT;

-- CreateTable
CREATE TABLE "SuppressionRule" (
    "id" TEXT NOT NULL,
    "detectorId" TEXT NOT NULL,
    "seriesId" TEXT,
    "hourFrom" INTEGER,
    "hourTo" INTEGER,
    "weekdays" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "scoreBelow" DOUBLE PRECISION,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "note" TEXT,
    "origin" TEXT NOT NULL DEFAULT 'manual',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SuppressionRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SuppressionRule_detectorId_createdAt_idx" ON "SuppressionRule"("detectorId", "createdAt");

-- CreateIndex
CREATE INDEX "Anomaly_suppressedById_idx" ON "Anomaly"("suppressedById");

-- AddForeignKey
ALTER TABLE "Anomaly" ADD CONSTRAINT "Anomaly_suppressedById_fkey" FOREIGN KEY ("suppressedById") REFERENCES "SuppressionRule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SuppressionRule" ADD CONSTRAINT "SuppressionRule_detectorId_fkey" FOREIGN KEY ("detectorId") REFERENCES "Detector"("id") ON DELETE CASCADE ON UPDATE CASCADE;
