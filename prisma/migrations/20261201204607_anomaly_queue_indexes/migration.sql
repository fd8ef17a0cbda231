-- DropIndex
DROP INDEX "Anomaly_assigneeId_idx";

-- CreateIndex
CREATE INDEX "Anomaly_peakScore_id_idx" ON "Anomaly"("peakScore", "id");

-- CreateIndex
CREATE INDEX "Anomaly_severity_startTs_id_idx" ON "Anomaly"("severity", "startTs", "id");

-- CreateIndex
CREATE INDEX "Anomaly_assigneeId_startTs_id_idx" ON "Anomaly"("assigneeId", "startTs", "id");
