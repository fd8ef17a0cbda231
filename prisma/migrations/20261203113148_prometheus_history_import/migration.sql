-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('RUNNING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "SourceImport" (
    "id" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "fromTs" TIMESTAMPTZ(3) NOT NULL,
    "toTs" TIMESTAMPTZ(3) NOT NULL,
    "cursorTs" TIMESTAMPTZ(3) NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'RUNNING',
    "points" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SourceImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SourceImport_sourceId_createdAt_idx" ON "SourceImport"("sourceId", "createdAt");

-- CreateIndex
CREATE INDEX "SourceImport_status_idx" ON "SourceImport"("status");

-- AddForeignKey
ALTER TABLE "SourceImport" ADD CONSTRAINT "SourceImport_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "DataSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
