-- DropIndex
DROP INDEX "Anomaly_groupId_idx";

-- DropIndex
DROP INDEX "Anomaly_mergedIntoId_idx";

-- DropIndex
DROP INDEX "Anomaly_status_severity_startTs_idx";

-- DropIndex
DROP INDEX "Anomaly_suppressedById_idx";

-- CreateIndex
CREATE INDEX "Anomaly_groupId_idx" ON "Anomaly"("groupId") WHERE ("groupId" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Anomaly_mergedIntoId_idx" ON "Anomaly"("mergedIntoId") WHERE ("mergedIntoId" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Anomaly_suppressedById_idx" ON "Anomaly"("suppressedById") WHERE ("suppressedById" IS NOT NULL);
