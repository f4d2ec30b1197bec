import type { Metadata } from "next";
import { requireUser, requireVisibleSession } from "@/lib/access";
import { instantToLocalInput } from "@/lib/timezone";
import { SessionForm } from "@/components/session-form";
import { ConfirmAction } from "@/components/confirm-action";
import { BackLink, PageHeader, Section } from "@/components/ui";
import { MAX_SERIES_COUNT } from "../../../_lib/forms";
import { deleteSessionAction, updateSessionAction } from "../actions";

export const metadata: Metadata = { title: "Edit session" };

export default async function EditSessionPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  return (
    <div className="space-y-6">
      <BackLink href={`/sessions/${session.id}`}>Back to the session</BackLink>
      <PageHeader
        title="Edit session"
        eyebrow={session.course.name}
        description="Changing the meeting ID or the time recomputes attendance from the Zoom events already received."
      />
      <SessionForm
        action={updateSessionAction.bind(null, session.id)}
        initial={{
          title: session.title ?? "",
          zoomMeetingId: session.zoomMeetingId,
          joinUrl: session.joinUrl ?? "",
          startsAtLocal: instantToLocalInput(session.startsAt, session.course.timezone),
          durationMinutes: session.durationMinutes,
          lateAfterMinutes: session.lateAfterMinutes,
          requiredPercent: session.requiredPercent,
        }}
        timeZone={session.course.timezone}
        allowSeries={false}
        submitLabel="Save changes"
        cancelHref={`/sessions/${session.id}`}
        maxSeriesCount={MAX_SERIES_COUNT}
        adminOverrides={user.role === "admin"}
      />
      <Section
        id="danger"
        title="Delete session"
        description="Its attendance records go with it; the Zoom events stay stored and attach to another session of the meeting if one covers them."
      >
        <ConfirmAction
          action={deleteSessionAction.bind(null, session.id)}
          label="Delete session…"
          confirmLabel="Delete this session"
          question="Delete for good?"
          pendingText="Deleting…"
        />
      </Section>
    </div>
  );
}
