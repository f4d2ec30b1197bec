-- AlterTable
ALTER TABLE "events" ADD COLUMN     "dispatchedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "events_dispatchedAt_id_idx" ON "events"("dispatchedAt", "id");
