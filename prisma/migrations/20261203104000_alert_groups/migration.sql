-- AlterTable
ALTER TABLE "AlertRule" ADD COLUMN     "groupBy" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "groupIntervalMinutes" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "groupWaitSeconds" INTEGER;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "batchKey" TEXT,
ADD COLUMN     "groupId" TEXT;

-- CreateTable
CREATE TABLE "AlertGroup" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "sourceId" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "lastBatchAt" TIMESTAMP(3),
    "batches" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AlertGroup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AlertGroup_ruleId_key_closedAt_idx" ON "AlertGroup"("ruleId", "key", "closedAt");

-- CreateIndex
CREATE INDEX "Delivery_groupId_kind_status_idx" ON "Delivery"("groupId", "kind", "status");

-- AddForeignKey
ALTER TABLE "AlertGroup" ADD CONSTRAINT "AlertGroup_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AlertGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;


