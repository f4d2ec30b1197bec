-- CreateEnum
CREATE TYPE "FinalStatus" AS ENUM ('present', 'partial', 'absent', 'excused');

-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'at_risk_digest';

-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "atRiskDigest" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "maxAbsences" INTEGER,
ADD COLUMN     "termRequiredPercent" INTEGER NOT NULL DEFAULT 90;

-- AlterTable
ALTER TABLE "students" ADD COLUMN     "enrolledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "sisId" TEXT;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "cancelNote" TEXT,
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "cancelledById" TEXT;

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "courseId" TEXT,
ADD COLUMN     "periodKey" TEXT,
ALTER COLUMN "sessionId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "attendance_overrides" (
    "sessionId" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "status" "FinalStatus" NOT NULL,
    "late" BOOLEAN,
    "note" TEXT,
    "byId" TEXT,
    "byName" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "attendance_overrides_pkey" PRIMARY KEY ("sessionId","studentId")
);

-- CreateTable
CREATE TABLE "override_history" (
    "id" BIGSERIAL NOT NULL,
    "courseId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "sessionStartsAt" TIMESTAMP(3) NOT NULL,
    "studentId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "note" TEXT,
    "byId" TEXT,
    "byName" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "override_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attendance_overrides_studentId_idx" ON "attendance_overrides"("studentId");

-- CreateIndex
CREATE INDEX "override_history_studentId_at_idx" ON "override_history"("studentId", "at");

-- CreateIndex
CREATE INDEX "override_history_sessionId_idx" ON "override_history"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_periodKey_key" ON "notifications"("periodKey");

-- AddForeignKey
ALTER TABLE "attendance_overrides" ADD CONSTRAINT "attendance_overrides_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attendance_overrides" ADD CONSTRAINT "attendance_overrides_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "override_history" ADD CONSTRAINT "override_history_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Students already on a roster were enrolled when they were added, not when this migration ran.
UPDATE "students" SET "enrolledAt" = "createdAt";

-- The override history is append-only: nobody edits or deletes it. The only DELETE allowed is the
-- cascade of a student's removal or erasure (the student row is gone by the time the cascade
-- reaches this table), so a student's history leaves with them and with nothing else.
CREATE FUNCTION "override_history_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "students" WHERE "id" = OLD."studentId") THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'override_history is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "override_history_append_only"
  BEFORE UPDATE OR DELETE ON "override_history"
  FOR EACH ROW EXECUTE FUNCTION "override_history_append_only"();
