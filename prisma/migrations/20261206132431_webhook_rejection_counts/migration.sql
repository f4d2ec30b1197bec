-- AlterEnum
ALTER TYPE "DeliveryOutcome" ADD VALUE 'rejected_path';

-- CreateTable
CREATE TABLE "webhook_rejection_counts" (
    "minute" TIMESTAMP(3) NOT NULL,
    "outcome" "DeliveryOutcome" NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "webhook_rejection_counts_pkey" PRIMARY KEY ("minute","outcome")
);
