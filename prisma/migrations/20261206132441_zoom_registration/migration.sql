-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'invitation';

-- CreateTable
CREATE TABLE "zoom_registrants" (
    "id" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "zoomMeetingId" TEXT NOT NULL,
    "registrantId" TEXT NOT NULL,
    "joinUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "zoom_registrants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meeting_registrations" (
    "courseId" TEXT NOT NULL,
    "zoomMeetingId" TEXT NOT NULL,
    "approvalType" INTEGER,
    "problem" TEXT,
    "lastRunAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_registrations_pkey" PRIMARY KEY ("courseId","zoomMeetingId")
);

-- CreateIndex
CREATE INDEX "zoom_registrants_zoomMeetingId_idx" ON "zoom_registrants"("zoomMeetingId");

-- CreateIndex
CREATE INDEX "zoom_registrants_registrantId_idx" ON "zoom_registrants"("registrantId");

-- CreateIndex
CREATE UNIQUE INDEX "zoom_registrants_studentId_zoomMeetingId_key" ON "zoom_registrants"("studentId", "zoomMeetingId");

-- AddForeignKey
ALTER TABLE "zoom_registrants" ADD CONSTRAINT "zoom_registrants_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_registrations" ADD CONSTRAINT "meeting_registrations_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
