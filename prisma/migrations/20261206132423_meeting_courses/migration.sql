-- CreateTable
CREATE TABLE "meeting_courses" (
    "zoomMeetingId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "sharedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_courses_pkey" PRIMARY KEY ("zoomMeetingId","courseId")
);

-- CreateIndex
CREATE INDEX "meeting_courses_courseId_idx" ON "meeting_courses"("courseId");

-- AddForeignKey
ALTER TABLE "meeting_courses" ADD CONSTRAINT "meeting_courses_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: each Zoom meeting belongs to the course that first scheduled a session on it
-- (earliest created session; ties by start, then id).
INSERT INTO "meeting_courses" ("zoomMeetingId", "courseId", "createdAt")
SELECT DISTINCT ON ("zoomMeetingId") "zoomMeetingId", "courseId", "createdAt"
FROM "sessions"
ORDER BY "zoomMeetingId", "createdAt", "startsAt", "id";

-- Sessions of any other course on those meetings are conflicts (reported to admins at every
-- migration run and on the admin pages; sessions and events are kept). Until an admin shares the
-- meeting they receive no events: their stored attendance, which may hold another course's
-- participants, is derived data and is dropped here; sharing recomputes it.
DELETE FROM "guest_attendance" g USING "sessions" s
WHERE g."sessionId" = s."id"
  AND NOT EXISTS (SELECT 1 FROM "meeting_courses" m WHERE m."zoomMeetingId" = s."zoomMeetingId" AND m."courseId" = s."courseId");
DELETE FROM "attendance_records" a USING "sessions" s
WHERE a."sessionId" = s."id"
  AND NOT EXISTS (SELECT 1 FROM "meeting_courses" m WHERE m."zoomMeetingId" = s."zoomMeetingId" AND m."courseId" = s."courseId");
UPDATE "sessions" s SET "computedAt" = NULL, "computedEvents" = 0
WHERE NOT EXISTS (SELECT 1 FROM "meeting_courses" m WHERE m."zoomMeetingId" = s."zoomMeetingId" AND m."courseId" = s."courseId");

-- Whatever writes a session (the app, the demo seed, a script, SQL), a meeting no course holds yet
-- becomes the session's course's. Same advisory lock as lib/services/meetings.ts, so two courses
-- scheduling a new meeting at once cannot both become its first course.
CREATE FUNCTION "rollcall_claim_meeting"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('meeting:' || NEW."zoomMeetingId", 0));
  INSERT INTO "meeting_courses" ("zoomMeetingId", "courseId")
  SELECT NEW."zoomMeetingId", NEW."courseId"
  WHERE NOT EXISTS (SELECT 1 FROM "meeting_courses" m WHERE m."zoomMeetingId" = NEW."zoomMeetingId")
    AND NOT EXISTS (SELECT 1 FROM "sessions" s WHERE s."zoomMeetingId" = NEW."zoomMeetingId" AND s."courseId" <> NEW."courseId")
  ON CONFLICT DO NOTHING;
  RETURN NEW;
END
$$;
CREATE TRIGGER "sessions_claim_meeting" AFTER INSERT OR UPDATE OF "zoomMeetingId", "courseId" ON "sessions"
FOR EACH ROW EXECUTE FUNCTION "rollcall_claim_meeting"();
