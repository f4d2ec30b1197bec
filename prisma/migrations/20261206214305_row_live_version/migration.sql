-- AlterTable
ALTER TABLE "attendance_records" ADD COLUMN     "liveVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "guest_attendance" ADD COLUMN     "liveVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "host_attendance" ADD COLUMN     "liveVersion" INTEGER NOT NULL DEFAULT 0;
