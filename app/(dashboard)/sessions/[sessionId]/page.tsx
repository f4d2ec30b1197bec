import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { findVisibleSession, requireUser, requireVisibleSession } from "@/lib/access";
import { formatDate } from "@/lib/format";
import { LiveSession } from "@/components/live/live-session";
import { ReconciliationPanel } from "@/components/reconciliation-panel";
import { RegistrationPanel } from "@/components/registration-panel";
import { SessionNotifications } from "@/components/session-notifications";
import { BackLink, buttonClass, PageHeader } from "@/components/ui";
import { loadLivePayload } from "@/lib/attendance/live";
import { OverrideControls } from "@/components/override-controls";
import { SessionCancelForm } from "@/components/session-cancel-form";
import { cancelSessionAction, matchGuestAction, overrideAction } from "./actions";
import { inviteStudentsAction, registerRosterAction } from "./registration-actions";
import { reconcileNowAction } from "./reconcile-actions";

type Props = { params: Promise<{ sessionId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await requireUser();
  const session = await findVisibleSession(user, (await params).sessionId);
  return {
    title: session
      ? `${session.title ?? "Class"}, ${formatDate(session.startsAt, session.course.timezone)}`
      : "Session",
  };
}

export default async function SessionPage({ params }: Props) {
  const { sessionId } = await params;
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const payload = await loadLivePayload(session.id);
  if (!payload) notFound();
  return (
    <div>
      <BackLink href={`/courses/${session.courseId}`}>{session.course.name}</BackLink>
      <div className="mt-3">
        <PageHeader
          title={`${session.title ?? "Class"} · ${formatDate(session.startsAt, session.course.timezone)}`}
          actions={
            <>
              {session.joinUrl ? (
                <a href={session.joinUrl} className={buttonClass.secondary} target="_blank" rel="noreferrer">
                  Open in Zoom
                </a>
              ) : null}
              <a href={`/api/v1/sessions/${session.id}/attendance.csv`} className={buttonClass.secondary} download>
                Export CSV
              </a>
              <Link href={`/sessions/${session.id}/edit`} className={buttonClass.secondary}>
                Edit session
              </Link>
            </>
          }
        />
      </div>
      <SessionCancelForm
        cancelled={payload.session.cancelled}
        note={payload.session.cancelNote}
        action={cancelSessionAction.bind(null, session.id)}
      />
      <LiveSession initial={payload} matchAction={matchGuestAction.bind(null, session.id)} />
      <section id="corrections" className="mt-10" aria-labelledby="corrections-title">
        <h2 id="corrections-title" className="text-lg font-semibold text-slate-900">
          Corrections
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-700">
          Zoom&apos;s data is evidence, not the final word: set a student&apos;s final status (excused, present by
          phone…) with a note. The computed figures stay beside it; every change is kept in the student&apos;s history.
        </p>
        <OverrideControls
          rows={payload.students}
          timeZone={session.course.timezone}
          cancelled={payload.session.cancelled}
          action={overrideAction.bind(null, session.id)}
        />
      </section>
      <RegistrationPanel
        sessionId={session.id}
        timezone={session.course.timezone}
        register={registerRosterAction.bind(null, session.id)}
        invite={inviteStudentsAction.bind(null, session.id)}
      />
      <SessionNotifications sessionId={session.id} timezone={session.course.timezone} />
      <ReconciliationPanel sessionId={session.id} reconcileNow={reconcileNowAction.bind(null, session.id)} />
    </div>
  );
}
