-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "liveVersion" INTEGER NOT NULL DEFAULT 0;
