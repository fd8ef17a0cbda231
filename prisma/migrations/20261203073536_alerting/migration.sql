-- CreateEnum
CREATE TYPE "DeliveryKind" AS ENUM ('FIRING', 'RESOLVED', 'ESCALATED');

-- CreateEnum
CREATE TYPE "RuleDirection" AS ENUM ('ANY', 'ABOVE', 'BELOW');

-- CreateEnum
CREATE TYPE "DeviationUnit" AS ENUM ('PERCENT', 'ABSOLUTE');

-- AlterEnum
ALTER TYPE "ChannelKind" ADD VALUE 'ALERTMANAGER';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "DeliveryStatus" ADD VALUE 'SENDING';
ALTER TYPE "DeliveryStatus" ADD VALUE 'SUPPRESSED';

-- DropIndex
DROP INDEX "Delivery_anomalyId_channelId_key";

-- DropIndex
DROP INDEX "Delivery_status_createdAt_idx";

-- AlterTable
ALTER TABLE "AlertRule" ADD COLUMN     "deviationUnit" "DeviationUnit" NOT NULL DEFAULT 'PERCENT',
ADD COLUMN     "direction" "RuleDirection" NOT NULL DEFAULT 'ANY',
ADD COLUMN     "escalateAfterMinutes" INTEGER,
ADD COLUMN     "escalationChannelId" TEXT,
ADD COLUMN     "includeHistorical" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "matchers" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "minDeviation" DOUBLE PRECISION,
ADD COLUMN     "minDurationSeconds" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "muteTimeZone" TEXT NOT NULL DEFAULT 'UTC',
ADD COLUMN     "muteTimings" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "notifyResolved" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "sourceId" TEXT;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "key" TEXT,
ADD COLUMN     "kind" "DeliveryKind" NOT NULL DEFAULT 'FIRING',
ADD COLUMN     "latencyMs" INTEGER,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "responseCode" INTEGER,
ADD COLUMN     "seriesId" TEXT,
ADD COLUMN     "silenceId" TEXT;

-- Rows from before rules had kinds: one firing decision each (hand-written: keeps existing rows).
UPDATE "Delivery" d SET "key" = COALESCE(d."ruleId", d."channelId") || ':' || d."anomalyId" || ':FIRING:' || d.id, "seriesId" = a."seriesId"
FROM "Anomaly" a WHERE a.id = d."anomalyId";
ALTER TABLE "Delivery" ALTER COLUMN "key" SET NOT NULL, ALTER COLUMN "seriesId" SET NOT NULL;

-- AlterTable
ALTER TABLE "NotificationChannel" ADD COLUMN     "secret" TEXT;

-- CreateTable
CREATE TABLE "AlertOutbox" (
    "anomalyId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 1,
    "touchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertOutbox_pkey" PRIMARY KEY ("anomalyId")
);

-- CreateIndex
CREATE INDEX "AlertOutbox_touchedAt_idx" ON "AlertOutbox"("touchedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_key_key" ON "Delivery"("key");

-- CreateIndex
CREATE INDEX "Delivery_anomalyId_idx" ON "Delivery"("anomalyId");

-- CreateIndex
CREATE INDEX "Delivery_channelId_createdAt_idx" ON "Delivery"("channelId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_ruleId_seriesId_createdAt_idx" ON "Delivery"("ruleId", "seriesId", "createdAt");

-- AddForeignKey
ALTER TABLE "AlertRule" ADD CONSTRAINT "AlertRule_escalationChannelId_fkey" FOREIGN KEY ("escalationChannelId") REFERENCES "NotificationChannel"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertRule" ADD CONSTRAINT "AlertRule_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "DataSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_silenceId_fkey" FOREIGN KEY ("silenceId") REFERENCES "Silence"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertOutbox" ADD CONSTRAINT "AlertOutbox_anomalyId_fkey" FOREIGN KEY ("anomalyId") REFERENCES "Anomaly"("id") ON DELETE CASCADE ON UPDATE CASCADE;
