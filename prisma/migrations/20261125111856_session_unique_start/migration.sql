-- CreateIndex
CREATE UNIQUE INDEX "sessions_courseId_zoomMeetingId_startsAt_key" ON "sessions"("courseId", "zoomMeetingId", "startsAt");
