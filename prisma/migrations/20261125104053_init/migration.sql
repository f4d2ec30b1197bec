-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'instructor');

-- CreateEnum
CREATE TYPE "DeliveryOutcome" AS ENUM ('stored', 'duplicate', 'url_validation', 'ignored', 'rejected_signature', 'rejected_timestamp', 'rejected_body', 'rejected_size', 'failed');

-- CreateEnum
CREATE TYPE "EventSource" AS ENUM ('webhook', 'report');

-- CreateEnum
CREATE TYPE "LinkSource" AS ENUM ('auto', 'manual');

-- CreateEnum
CREATE TYPE "MatchKind" AS ENUM ('account_id', 'email', 'display_name');

-- CreateEnum
CREATE TYPE "AttendanceStatus" AS ENUM ('present', 'partial', 'absent');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('late_student', 'instructor_summary');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('pending', 'sent', 'failed', 'not_configured');

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'instructor',
    "passwordHash" TEXT,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_accounts" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,

    CONSTRAINT "auth_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_sessions" (
    "id" TEXT NOT NULL,
    "sessionToken" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "auth_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_verification_tokens" (
    "identifier" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "courses" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "notifyLateJoiners" BOOLEAN NOT NULL DEFAULT true,
    "notifyInstructorSummary" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "courses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_instructors" (
    "courseId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "course_instructors_pkey" PRIMARY KEY ("courseId","userId")
);

-- CreateTable
CREATE TABLE "students" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailNormalized" TEXT NOT NULL,
    "zoomRegistrantId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "students_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "title" TEXT,
    "zoomMeetingId" TEXT NOT NULL,
    "joinUrl" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "lateAfterMinutes" INTEGER NOT NULL DEFAULT 5,
    "requiredPercent" INTEGER NOT NULL DEFAULT 90,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3),
    "computedEvents" INTEGER NOT NULL DEFAULT 0,
    "lastReconciledAt" TIMESTAMP(3),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meeting_instances" (
    "uuid" TEXT NOT NULL,
    "zoomMeetingId" TEXT NOT NULL,
    "topic" TEXT,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_instances_pkey" PRIMARY KEY ("uuid")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trackingId" TEXT,
    "requestId" TEXT,
    "outcome" "DeliveryOutcome" NOT NULL,
    "httpStatus" INTEGER NOT NULL,
    "reason" TEXT,
    "eventType" TEXT,
    "eventTs" TIMESTAMP(3),
    "zoomMeetingId" TEXT,
    "meetingUuid" TEXT,
    "dedupeKey" TEXT,
    "headers" JSONB NOT NULL,
    "body" TEXT,
    "bodyBytes" INTEGER,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "source" "EventSource" NOT NULL DEFAULT 'webhook',
    "eventType" TEXT NOT NULL,
    "eventTs" TIMESTAMP(3),
    "zoomMeetingId" TEXT,
    "meetingUuid" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "participantUserId" TEXT,
    "participantAccountId" TEXT,
    "participantUuid" TEXT,
    "registrantId" TEXT,
    "email" TEXT,
    "emailNormalized" TEXT,
    "displayName" TEXT,
    "joinTime" TIMESTAMP(3),
    "leaveTime" TIMESTAMP(3),
    "leaveReason" TEXT,
    "meetingStartedAt" TIMESTAMP(3),
    "meetingEndedAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB,
    "payloadPurgedAt" TIMESTAMP(3),

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity_links" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "zoomAccountId" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "source" "LinkSource" NOT NULL DEFAULT 'auto',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "manual_matches" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "kind" "MatchKind" NOT NULL,
    "value" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manual_matches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "attendance_records" (
    "sessionId" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "status" "AttendanceStatus" NOT NULL,
    "attendedSeconds" INTEGER NOT NULL,
    "attendedPercent" DOUBLE PRECISION NOT NULL,
    "firstJoinAt" TIMESTAMP(3),
    "lastLeaveAt" TIMESTAMP(3),
    "late" BOOLEAN NOT NULL,
    "lateBySeconds" INTEGER NOT NULL,
    "joinCount" INTEGER NOT NULL,
    "inMeeting" BOOLEAN NOT NULL,
    "openConnections" INTEGER NOT NULL,
    "intervals" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "attendance_records_pkey" PRIMARY KEY ("sessionId","studentId")
);

-- CreateTable
CREATE TABLE "guest_attendance" (
    "sessionId" TEXT NOT NULL,
    "guestKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "attendedSeconds" INTEGER NOT NULL,
    "attendedPercent" DOUBLE PRECISION NOT NULL,
    "firstJoinAt" TIMESTAMP(3),
    "lastLeaveAt" TIMESTAMP(3),
    "joinCount" INTEGER NOT NULL,
    "inMeeting" BOOLEAN NOT NULL,
    "openConnections" INTEGER NOT NULL,
    "intervals" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "guest_attendance_pkey" PRIMARY KEY ("sessionId","guestKey")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "studentId" TEXT,
    "userId" TEXT,
    "kind" "NotificationKind" NOT NULL,
    "recipient" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliations" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "meetingUuid" TEXT,
    "trigger" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL,
    "rowsSeen" INTEGER NOT NULL DEFAULT 0,
    "joinsAdded" INTEGER NOT NULL DEFAULT 0,
    "leavesAdded" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "reconciliations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "auth_accounts_userId_idx" ON "auth_accounts"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "auth_accounts_provider_providerAccountId_key" ON "auth_accounts"("provider", "providerAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "auth_sessions_sessionToken_key" ON "auth_sessions"("sessionToken");

-- CreateIndex
CREATE INDEX "auth_sessions_userId_idx" ON "auth_sessions"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "auth_verification_tokens_token_key" ON "auth_verification_tokens"("token");

-- CreateIndex
CREATE UNIQUE INDEX "auth_verification_tokens_identifier_token_key" ON "auth_verification_tokens"("identifier", "token");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_tokenHash_key" ON "api_tokens"("tokenHash");

-- CreateIndex
CREATE INDEX "api_tokens_userId_idx" ON "api_tokens"("userId");

-- CreateIndex
CREATE INDEX "course_instructors_userId_idx" ON "course_instructors"("userId");

-- CreateIndex
CREATE INDEX "students_courseId_zoomRegistrantId_idx" ON "students"("courseId", "zoomRegistrantId");

-- CreateIndex
CREATE UNIQUE INDEX "students_courseId_emailNormalized_key" ON "students"("courseId", "emailNormalized");

-- CreateIndex
CREATE INDEX "sessions_zoomMeetingId_startsAt_idx" ON "sessions"("zoomMeetingId", "startsAt");

-- CreateIndex
CREATE INDEX "sessions_courseId_startsAt_idx" ON "sessions"("courseId", "startsAt");

-- CreateIndex
CREATE INDEX "sessions_startsAt_idx" ON "sessions"("startsAt");

-- CreateIndex
CREATE INDEX "meeting_instances_zoomMeetingId_startedAt_idx" ON "meeting_instances"("zoomMeetingId", "startedAt");

-- CreateIndex
CREATE INDEX "webhook_deliveries_receivedAt_idx" ON "webhook_deliveries"("receivedAt");

-- CreateIndex
CREATE INDEX "webhook_deliveries_zoomMeetingId_receivedAt_idx" ON "webhook_deliveries"("zoomMeetingId", "receivedAt");

-- CreateIndex
CREATE INDEX "webhook_deliveries_outcome_receivedAt_idx" ON "webhook_deliveries"("outcome", "receivedAt");

-- CreateIndex
CREATE INDEX "webhook_deliveries_dedupeKey_idx" ON "webhook_deliveries"("dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "events_dedupeKey_key" ON "events"("dedupeKey");

-- CreateIndex
CREATE INDEX "events_zoomMeetingId_occurredAt_idx" ON "events"("zoomMeetingId", "occurredAt");

-- CreateIndex
CREATE INDEX "events_meetingUuid_eventType_idx" ON "events"("meetingUuid", "eventType");

-- CreateIndex
CREATE INDEX "events_participantAccountId_idx" ON "events"("participantAccountId");

-- CreateIndex
CREATE INDEX "events_receivedAt_idx" ON "events"("receivedAt");

-- CreateIndex
CREATE INDEX "identity_links_studentId_idx" ON "identity_links"("studentId");

-- CreateIndex
CREATE UNIQUE INDEX "identity_links_courseId_zoomAccountId_key" ON "identity_links"("courseId", "zoomAccountId");

-- CreateIndex
CREATE INDEX "manual_matches_studentId_idx" ON "manual_matches"("studentId");

-- CreateIndex
CREATE UNIQUE INDEX "manual_matches_courseId_kind_value_key" ON "manual_matches"("courseId", "kind", "value");

-- CreateIndex
CREATE INDEX "attendance_records_studentId_idx" ON "attendance_records"("studentId");

-- CreateIndex
CREATE INDEX "notifications_sessionId_idx" ON "notifications"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_sessionId_kind_recipient_key" ON "notifications"("sessionId", "kind", "recipient");

-- CreateIndex
CREATE INDEX "reconciliations_sessionId_startedAt_idx" ON "reconciliations"("sessionId", "startedAt");

-- CreateIndex
CREATE INDEX "audit_entries_createdAt_idx" ON "audit_entries"("createdAt");

-- AddForeignKey
ALTER TABLE "auth_accounts" ADD CONSTRAINT "auth_accounts_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_instructors" ADD CONSTRAINT "course_instructors_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_instructors" ADD CONSTRAINT "course_instructors_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "students" ADD CONSTRAINT "students_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity_links" ADD CONSTRAINT "identity_links_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity_links" ADD CONSTRAINT "identity_links_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manual_matches" ADD CONSTRAINT "manual_matches_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manual_matches" ADD CONSTRAINT "manual_matches_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manual_matches" ADD CONSTRAINT "manual_matches_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manual_matches" ADD CONSTRAINT "manual_matches_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guest_attendance" ADD CONSTRAINT "guest_attendance_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliations" ADD CONSTRAINT "reconciliations_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
