import Link from "next/link";
import type { Metadata } from "next";
import { requireAdmin } from "@/lib/access";
import { prisma } from "@/lib/db";
import { formatUtc } from "@/lib/format";
import { listMeetingConflicts, meetingCourses } from "@/lib/services/meetings";
import { zoomMeetingIdSchema } from "@/lib/validations/common";
import { ConfirmAction } from "@/components/confirm-action";
import { SubmitButton } from "@/components/form-controls";
import { buttonClass, Card, EmptyState, inputClass, Notice, PageHeader, Section } from "@/components/ui";
import { actionsColumn, RowHeader, Table, Td } from "@/components/table";
import { shareMeetingAction, unshareMeetingAction } from "./actions";

export const metadata: Metadata = { title: "Meetings" };

const DONE_MESSAGES: Record<string, string> = {
  shared: "Shared: the course's sessions on this meeting now count its participants (attendance is being recomputed).",
  already: "That course could already see this meeting.",
  removed: "Removed: the course's sessions on this meeting no longer receive its participants.",
};

type SearchParams = Promise<{ meeting?: string; error?: string; done?: string }>;

export default async function MeetingsPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdmin();
  const query = await searchParams;
  const parsedMeeting = query.meeting ? zoomMeetingIdSchema.safeParse(query.meeting) : null;
  const meetingId = parsedMeeting?.success ? parsedMeeting.data : null;
  const [conflicts, uses, courses] = await Promise.all([
    listMeetingConflicts(),
    meetingId ? meetingCourses(meetingId) : Promise.resolve([]),
    meetingId
      ? prisma.course.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } })
      : Promise.resolve([]),
  ]);
  const allowedIds = new Set(uses.filter((use) => use.allowed).map((use) => use.courseId));
  const shareable = courses.filter((course) => !allowedIds.has(course.id));

  return (
    <div>
      <PageHeader
        title="Meetings"
        description="A Zoom meeting belongs to the course that first scheduled it: only its courses see its participants. Share a meeting with another course when the classes really meet together (cross-listed sections)."
      />

      <Section id="conflicts" title={`Conflicting meetings (${conflicts.length})`}>
        {conflicts.length === 0 ? (
          <EmptyState>No conflicts: every session is on a meeting its course may see.</EmptyState>
        ) : (
          <div className="space-y-3">
            <Notice tone="warning" role="status">
              These meetings have sessions in courses that may not see them (from before meetings belonged to courses,
              or a course taken off a meeting). Those sessions receive none of the meeting&apos;s participants until you
              share the meeting with their course, or move or delete the sessions.
            </Notice>
            <Table label="Conflicting meetings" columns={["Meeting", "Belongs to", "Also scheduled by (sees nothing)"]}>
              {conflicts.map((conflict) => (
                <tr key={conflict.zoomMeetingId} data-conflict={conflict.zoomMeetingId}>
                  <RowHeader className="text-left font-mono">
                    <Link
                      className="text-blue-800 hover:underline"
                      href={`/admin/meetings?meeting=${conflict.zoomMeetingId}`}
                    >
                      {conflict.zoomMeetingId}
                    </Link>
                  </RowHeader>
                  <Td>{conflict.allowedCourses.map((course) => course.name).join(", ") || "no course"}</Td>
                  <Td>
                    {conflict.conflictingCourses
                      .map((course) => `${course.name} (${course.sessions} session${course.sessions === 1 ? "" : "s"})`)
                      .join(", ")}
                  </Td>
                </tr>
              ))}
            </Table>
          </div>
        )}
      </Section>

      <Section id="lookup" title="Which courses use a meeting">
        <Card>
          <form method="get" action="/admin/meetings" className="flex flex-wrap items-end gap-3">
            <div>
              <label htmlFor="meeting" className="block text-sm font-medium text-slate-800">
                Zoom meeting ID
              </label>
              <input
                id="meeting"
                name="meeting"
                inputMode="numeric"
                autoComplete="off"
                defaultValue={query.meeting ?? ""}
                className={inputClass}
              />
            </div>
            <button type="submit" className={buttonClass.secondary}>
              Look up
            </button>
          </form>
          {query.meeting && !meetingId ? (
            <p className="mt-3 text-sm text-red-900" role="alert">
              {query.meeting} is not a Zoom meeting ID (9 to 12 digits).
            </p>
          ) : null}
        </Card>
      </Section>

      {meetingId ? (
        <Section id="meeting" title={`Meeting ${meetingId}`}>
          <div className="space-y-4">
            {query.error ? (
              <Notice tone="error" role="alert">
                {query.error}
              </Notice>
            ) : null}
            {query.done && DONE_MESSAGES[query.done] ? (
              <Notice tone="success" role="status">
                {DONE_MESSAGES[query.done]}
              </Notice>
            ) : null}
            {uses.length === 0 ? (
              <EmptyState>
                No course uses this meeting yet: the first course to schedule a session on it gets it.
              </EmptyState>
            ) : (
              <Table
                label={`Courses of meeting ${meetingId}`}
                columns={["Course", "Access", "Since", "Sessions", actionsColumn]}
              >
                {uses.map((use) => (
                  <tr key={use.courseId} data-course={use.courseName}>
                    <RowHeader className="text-left font-medium">
                      <Link className="text-blue-800 hover:underline" href={`/courses/${use.courseId}`}>
                        {use.courseName}
                      </Link>
                    </RowHeader>
                    <Td>
                      {!use.allowed
                        ? "Conflicting: sees nothing"
                        : use.sharedById === null
                          ? "First course"
                          : "Shared by an admin"}
                    </Td>
                    <Td className="whitespace-nowrap">{use.since ? formatUtc(use.since) : "—"}</Td>
                    <Td>{use.sessions}</Td>
                    <Td className="text-right">
                      {use.allowed ? (
                        <ConfirmAction
                          action={unshareMeetingAction.bind(null, meetingId, use.courseId)}
                          label="Remove"
                          confirmLabel={`Remove ${use.courseName}`}
                          question="Its sessions on this meeting stop receiving the participants."
                          pendingText="Removing…"
                          compact
                        />
                      ) : null}
                    </Td>
                  </tr>
                ))}
              </Table>
            )}
            {shareable.length > 0 ? (
              <Card>
                <form action={shareMeetingAction.bind(null, meetingId)} className="flex flex-wrap items-end gap-3">
                  <div>
                    <label htmlFor="courseId" className="block text-sm font-medium text-slate-800">
                      Share with course
                    </label>
                    <select
                      id="courseId"
                      name="courseId"
                      required
                      defaultValue={uses.find((use) => !use.allowed)?.courseId ?? ""}
                      className={inputClass}
                    >
                      <option value="" disabled>
                        Choose a course…
                      </option>
                      {shareable.map((course) => (
                        <option key={course.id} value={course.id}>
                          {course.name}
                        </option>
                      ))}
                    </select>
                  </div>
                  <SubmitButton pendingText="Sharing…">Share meeting</SubmitButton>
                </form>
                <p className="mt-2 text-xs text-slate-600">
                  The course&apos;s instructors then see everyone who joins this meeting during their sessions.
                </p>
              </Card>
            ) : null}
          </div>
        </Section>
      ) : null}
    </div>
  );
}
