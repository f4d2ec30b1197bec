-- AlterTable
ALTER TABLE "students" ADD COLUMN     "phone" TEXT;

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "breakoutRoomName" TEXT,
ADD COLUMN     "breakoutRoomUuid" TEXT,
ADD COLUMN     "newRole" TEXT,
ADD COLUMN     "parentUserId" TEXT,
ADD COLUMN     "phoneNumber" TEXT;

-- AlterTable
ALTER TABLE "attendance_records" ADD COLUMN     "breakoutIntervals" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "breakoutRoom" TEXT;

-- CreateTable
CREATE TABLE "host_attendance" (
    "sessionId" TEXT NOT NULL,
    "hostKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "reason" TEXT NOT NULL,
    "attendedSeconds" INTEGER NOT NULL,
    "attendedPercent" DOUBLE PRECISION NOT NULL,
    "firstJoinAt" TIMESTAMP(3),
    "lastLeaveAt" TIMESTAMP(3),
    "joinCount" INTEGER NOT NULL,
    "inMeeting" BOOLEAN NOT NULL,
    "openConnections" INTEGER NOT NULL,
    "intervals" JSONB NOT NULL,
    "breakoutIntervals" JSONB NOT NULL DEFAULT '[]',
    "breakoutRoom" TEXT,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "host_attendance_pkey" PRIMARY KEY ("sessionId","hostKey")
);

-- AddForeignKey
ALTER TABLE "host_attendance" ADD CONSTRAINT "host_attendance_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
