// Who was sent a late-joiner email for a session, when, and how the sending went (server component).
// Usage on the live session page: <SessionNotifications sessionId={session.id} timezone={course.timezone} />
import { formatShortDateTime } from "@/lib/mail/format";
import type { NotificationStatus } from "@/lib/generated/prisma/enums";
import { readSessionNotifications } from "@/lib/notifications/read";

const STATUS: Record<NotificationStatus, { label: string; className: string }> = {
  sent: { label: "Sent", className: "bg-green-100 text-green-900 border-green-300" },
  pending: { label: "Queued", className: "bg-slate-100 text-slate-800 border-slate-300" },
  failed: { label: "Failed", className: "bg-red-100 text-red-900 border-red-300" },
  not_configured: {
    label: "Not sent: email not configured",
    className: "bg-amber-100 text-amber-900 border-amber-300",
  },
};

export async function SessionNotifications({ sessionId, timezone }: { sessionId: string; timezone: string }) {
  const view = await readSessionNotifications(sessionId);
  if (!view) return null;
  const checkAt = formatShortDateTime(view.checkAt, timezone);
  const students = view.notifications.filter((row) => row.kind === "late_student");
  const summaries = view.notifications.filter((row) => row.kind === "instructor_summary");

  return (
    <section aria-labelledby="late-notifications-heading" className="mt-8" data-testid="session-notifications">
      <h2 id="late-notifications-heading" className="text-lg font-semibold text-slate-900">
        Late-joiner emails
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {view.notifyLateJoiners
          ? `At ${checkAt}, every student who has not joined gets one email with the join link.${view.notifyInstructorSummary ? " Instructors get one summary." : ""}`
          : "Late-joiner emails are turned off for this course (course settings)."}
      </p>
      {!view.emailConfigured ? (
        <p role="note" className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Email is not configured (SMTP_URL unset): notifications are recorded here but not sent.
        </p>
      ) : null}
      {students.length + summaries.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">
          {view.notifyLateJoiners
            ? view.checkDue
              ? "No one was notified."
              : "No one notified yet."
            : "No one was notified."}
        </p>
      ) : (
        <div className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Late-joiner notifications for this session</caption>
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Recipient
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Attempts
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Last error
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {[...students, ...summaries].map((row) => {
                const status = STATUS[row.status];
                return (
                  <tr key={row.id} data-notification-status={row.status}>
                    <td className="px-3 py-2">
                      <span className="font-medium text-slate-900">{row.name}</span>
                      {row.kind === "instructor_summary" ? (
                        <span className="text-slate-600"> (instructor summary)</span>
                      ) : null}
                      <span className="block text-xs text-slate-600">{row.recipient}</span>
                    </td>
                    <td className="px-3 py-2">
                      <span
                        className={`inline-block rounded border px-2 py-0.5 text-xs font-medium ${status.className}`}
                      >
                        {status.label}
                      </span>
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap text-slate-800">
                      {row.sentAt ? (
                        <>
                          sent{" "}
                          <time dateTime={row.sentAt.toISOString()}>{formatShortDateTime(row.sentAt, timezone)}</time>
                        </>
                      ) : (
                        <>
                          recorded{" "}
                          <time dateTime={row.createdAt.toISOString()}>
                            {formatShortDateTime(row.createdAt, timezone)}
                          </time>
                        </>
                      )}
                    </td>
                    <td className="px-3 py-2 text-slate-800">{row.attempts}</td>
                    <td className="max-w-xs px-3 py-2 break-words text-slate-700">
                      {row.lastError ? (
                        row.status === "sent" ? (
                          <span className="text-slate-500">earlier: {row.lastError}</span>
                        ) : (
                          row.lastError
                        )
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
