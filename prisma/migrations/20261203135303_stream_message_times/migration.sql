-- CreateTable
CREATE TABLE "StreamMessageTime" (
    "sourceId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StreamMessageTime_pkey" PRIMARY KEY ("sourceId","messageId")
);

-- CreateIndex
CREATE INDEX "StreamMessageTime_receivedAt_idx" ON "StreamMessageTime"("receivedAt");

-- AddForeignKey
ALTER TABLE "StreamMessageTime" ADD CONSTRAINT "StreamMessageTime_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "DataSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;


