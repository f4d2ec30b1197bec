// Session page: the roster's registration on the session's Zoom meeting (personal join links).
// Who is registered and who is not, who was invited, what Zoom refused for the meeting, and the
// "Register roster on Zoom" / "Email personal links" actions; without Zoom API credentials, a note.
import { formatDateTime } from "@/lib/format";
import type { NotificationStatus } from "@/lib/generated/prisma/enums";
import { readSessionRegistration } from "@/lib/registration/read";
import { ZOOM_API_NOT_CONFIGURED_MESSAGE } from "@/lib/registration/service";
import type { FormStateLike } from "./form-controls";
import { RegistrationActions } from "./registration-actions";
import { Notice } from "./ui";
import { NameAndEmail, RowHeader, Table, Td } from "./table";

const INVITATION: Record<NotificationStatus, string> = {
  sent: "Invited",
  pending: "Invitation queued",
  failed: "Invitation failed",
  not_configured: "Not sent: email not configured",
};

type Action = (state: FormStateLike) => Promise<FormStateLike>;

/** `register` and `invite`: the page's server actions, bound to this session. */
export async function RegistrationPanel({
  sessionId,
  timezone,
  register,
  invite,
}: {
  sessionId: string;
  timezone: string;
  register: Action;
  invite: Action;
}) {
  const view = await readSessionRegistration(sessionId);
  if (!view) return null;
  const headingId = `registration-${sessionId}-heading`;
  const registered = view.students.filter((student) => student.registered).length;
  const others = view.sessionsOnMeeting - 1;

  return (
    <section aria-labelledby={headingId} className="mt-8" data-testid="registration-panel">
      <h2 id={headingId} className="text-lg font-semibold text-slate-900">
        Personal Zoom links
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Registering the roster on Zoom meeting {view.zoomMeetingId} gives each student a personal join link; Zoom then
        names them in every webhook, so they are recognised whatever device or name they join with.
        {others > 0
          ? ` The registration covers this course's ${others} other ${others === 1 ? "session" : "sessions"} on the same meeting.`
          : ""}
      </p>
      {!view.configured ? (
        <div className="mt-3">
          <Notice tone="info">{ZOOM_API_NOT_CONFIGURED_MESSAGE}</Notice>
        </div>
      ) : (
        <div className="mt-3 space-y-3">
          {view.problem ? (
            <Notice tone="warning" role="alert">
              {view.problem}
            </Notice>
          ) : null}
          <p className="text-sm text-slate-800" data-testid="registration-summary">
            {registered} of {view.students.length} students registered
            {view.lastRunAt ? ` · last registration ${formatDateTime(view.lastRunAt.toISOString(), timezone)}` : ""}
          </p>
          <RegistrationActions register={register} invite={invite} canInvite={registered > 0} problem={view.problem} />
        </div>
      )}
      {view.students.length > 0 && (view.configured || registered > 0) ? (
        <div className="mt-3">
          <Table label="Registration on Zoom" testId="registrants" columns={["Student", "On Zoom", "Invitation"]}>
            {view.students.map((student) => (
              <tr
                key={student.studentId}
                data-registrant={student.name}
                data-registered={student.registered ? "yes" : "no"}
              >
                <RowHeader className="text-left font-normal">
                  <NameAndEmail name={student.name} email={student.email} />
                </RowHeader>
                <Td>
                  {student.registered ? (
                    <span className="text-green-900">Registered (personal link)</span>
                  ) : (
                    <span className="text-slate-600">Not registered</span>
                  )}
                </Td>
                <Td>
                  {student.invitation ? (
                    INVITATION[student.invitation]
                  ) : (
                    <span className="text-slate-600">Not invited</span>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        </div>
      ) : null}
    </section>
  );
}
