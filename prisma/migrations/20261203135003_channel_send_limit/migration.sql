-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "rateLimitedUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "NotificationChannel" ADD COLUMN     "rateLimitCount" INTEGER,
ADD COLUMN     "rateLimitSeconds" INTEGER,
ADD COLUMN     "rateQueueAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ChannelSend" (
    "id" BIGSERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelSend_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChannelSend_channelId_at_idx" ON "ChannelSend"("channelId", "at");

-- AddForeignKey
ALTER TABLE "ChannelSend" ADD CONSTRAINT "ChannelSend_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "NotificationChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;


