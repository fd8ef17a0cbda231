-- CreateTable
CREATE TABLE "DetectorSource" (
    "detectorId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DetectorSource_pkey" PRIMARY KEY ("detectorId","sourceId")
);

-- CreateIndex
CREATE INDEX "DetectorSource_sourceId_idx" ON "DetectorSource"("sourceId");

-- AddForeignKey
ALTER TABLE "DetectorSource" ADD CONSTRAINT "DetectorSource_detectorId_fkey" FOREIGN KEY ("detectorId") REFERENCES "Detector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DetectorSource" ADD CONSTRAINT "DetectorSource_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "DataSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
