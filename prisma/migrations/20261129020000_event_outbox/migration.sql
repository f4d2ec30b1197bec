-- The dispatcher's outbox becomes a table of its own (docs/decisions/008-webhook-hot-path.md):
-- marking dispatched events with an UPDATE rewrote every event row and its seven index entries a
-- second time. Events are now insert-only; a trigger adds each new event to the outbox, whatever
-- inserts it (webhooks, reconciliation), and the dispatcher deletes what it has queued.

-- CreateTable
CREATE TABLE "event_outbox" (
    "eventId" BIGINT NOT NULL,
    "zoomMeetingId" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "event_outbox_pkey" PRIMARY KEY ("eventId")
);

-- Events not dispatched yet carry over.
INSERT INTO "event_outbox" ("eventId", "zoomMeetingId", "occurredAt")
SELECT "id", "zoomMeetingId", "occurredAt" FROM "events" WHERE "dispatchedAt" IS NULL;

CREATE FUNCTION "rollcall_event_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "event_outbox" ("eventId", "zoomMeetingId", "occurredAt") VALUES (NEW."id", NEW."zoomMeetingId", NEW."occurredAt");
  RETURN NULL;
END;
$$;

CREATE TRIGGER "events_to_outbox" AFTER INSERT ON "events" FOR EACH ROW EXECUTE FUNCTION "rollcall_event_outbox"();

-- DropIndex
DROP INDEX "events_dispatchedAt_id_idx";

-- AlterTable
ALTER TABLE "events" DROP COLUMN "dispatchedAt";
