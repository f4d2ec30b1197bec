"use client";

// The live roster of one session. The server renders the first picture; the data hook
// (./use-live-session.ts) then keeps it current: changes are pushed over
// server-sent events and merged by row, with polling only as a fallback (ADR 016).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { LivePayload } from "@/lib/attendance/live-delta";
import type { StudentRow } from "@/lib/attendance/read";
import { formatDateTime, formatDuration, formatPercent, formatTime, plural, zoneAbbreviation } from "@/lib/format";
import { AttendanceTimeline } from "./attendance-timeline";
import type { FormStateLike } from "../form-controls";
import { GuestMatchForm } from "./guest-match-form";
import { GuestSuggestions } from "./guest-suggestions";
import { InBreakoutRoom } from "./breakout-location";
import { HostsTable } from "./hosts-table";
import { LiveIndicator } from "./live-indicator";
import { useLiveSession } from "./use-live-session";
import { WaitingRoom } from "./waiting-room";
import { EmptyState, LateBadge, Notice, Section, StateBadge, StatusBadge } from "../ui";
import { RowHeader, Table, Td } from "../table";

type Filter = "all" | "in" | "not_joined" | "late" | "left";

const FILTERS: { value: Filter; label: string; test: (student: StudentRow) => boolean }[] = [
  { value: "all", label: "Everyone", test: () => true },
  { value: "in", label: "In meeting", test: (student) => student.inMeeting },
  { value: "left", label: "Joined, not in meeting", test: (student) => student.joinCount > 0 && !student.inMeeting },
  { value: "not_joined", label: "Not joined", test: (student) => student.joinCount === 0 },
  { value: "late", label: "Late", test: (student) => student.late },
];

interface LiveSessionProps {
  initial: LivePayload;
  matchAction: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
}

export function LiveSession({ initial, matchAction }: LiveSessionProps) {
  const { data, status, problem, refresh } = useLiveSession(initial);

  const [flash, setFlash] = useState<string | null>(null);
  const refreshTimers = useRef<ReturnType<typeof setTimeout>[]>([]);
  // After a match the worker recomputes in the background: look again a few times, also when
  // the session has ended and is no longer polled.
  const onMatched = useCallback(
    (message: string) => {
      setFlash(message);
      refreshTimers.current.forEach(clearTimeout);
      refreshTimers.current = [500, 1_500, 3_000, 6_000].map((delay) => setTimeout(() => void refresh(), delay));
    },
    [refresh],
  );
  useEffect(() => () => refreshTimers.current.forEach(clearTimeout), []);
  // The match's answer is taken here, not only in the form: the recompute it starts can be pushed
  // before the answer arrives, and then the guest's row (and its form) is already gone.
  const matchAndAnnounce = useCallback(
    async (state: FormStateLike, formData: FormData) => {
      const result = await matchAction(state, formData);
      if (result.ok && result.message) onMatched(result.message);
      return result;
    },
    [matchAction, onMatched],
  );

  // The server-rendered panels below this component (emails, reconciliation) are refreshed when
  // what they show can have changed: the session changed state, or more students were emailed.
  const router = useRouter();
  const panelsKey = `${data.session.state}:${data.notifiedStudentIds.length}`;
  const shownPanelsKey = useRef(panelsKey);
  useEffect(() => {
    if (shownPanelsKey.current === panelsKey) return;
    shownPanelsKey.current = panelsKey;
    router.refresh();
  }, [panelsKey, router]);

  const [filter, setFilter] = useState<Filter>("all");
  const { session, course } = data;
  const tz = course.timezone;
  const live = session.state === "live";
  const zone = zoneAbbreviation(session.startsAt, tz);
  const students = data.students;
  const counts = data.counts;
  const shown = students.filter(FILTERS.find((candidate) => candidate.value === filter)!.test);
  const notified = new Set(data.notifiedStudentIds);
  const end = new Date(Date.parse(session.startsAt) + session.durationMinutes * 60_000);

  return (
    <div>
      <div className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-slate-700">
        <StateBadge state={session.state} />
        <span>
          {formatDateTime(session.startsAt, tz)} – {formatTime(end, tz)} · {session.durationMinutes} min · Zoom meeting {session.zoomMeetingId}
        </span>
        <span>
          Late after {session.lateAfterMinutes} min · present at {session.requiredPercent}%
        </span>
      </div>
      <UpdateStatus data={data} status={status} problem={problem} />

      {flash ? (
        <div className="mt-4">
          <Notice tone="success" role="status">
            {flash}
          </Notice>
        </div>
      ) : null}

      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Stat label="In meeting now" value={session.state === "scheduled" ? "—" : counts.inMeeting} of={students.length} highlight={live} />
        <Stat label="Joined" value={counts.joined} of={students.length} />
        <Stat label="Late" value={counts.late} />
        <Stat label={live ? "Present so far" : "Present"} value={counts.present} />
        <Stat label={live ? "Partial so far" : "Partial"} value={counts.partial} />
        <Stat label="Guests" value={data.guests.length} />
      </dl>
      {/* One short polite announcement when the count changes, not the whole table every 2 s. */}
      <p className="sr-only" aria-live="polite">
        {session.state === "scheduled" ? "" : `${counts.inMeeting} of ${students.length} students in the meeting`}
      </p>

      <WaitingRoom waiting={data.waiting} timeZone={tz} />

      <Section
        id="roster"
        title="Students"
        description={live ? "Attended % and status are provisional until the class ends." : `Times in ${tz.replace(/_/g, " ")} (${zone}).`}
        actions={
          <div className="flex items-center gap-2">
            <label htmlFor="roster-filter" className="text-sm font-medium text-slate-800">
              Show
            </label>
            <select id="roster-filter" value={filter} onChange={(event) => setFilter(event.target.value as Filter)} className="rounded-md border border-slate-500 bg-white px-2 py-1.5 text-sm">
              {FILTERS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label} ({students.filter(option.test).length})
                </option>
              ))}
            </select>
          </div>
        }
      >
        {students.length === 0 ? (
          <EmptyState>
            This course has no students yet. <Link href={`/courses/${course.id}/roster/import`} className="font-medium text-blue-800 underline">Import the roster</Link> and everyone who joined will be matched.
          </EmptyState>
        ) : shown.length === 0 ? (
          <EmptyState>No student matches this filter.</EmptyState>
        ) : (
          <Table label="Students" testId="live-roster" columns={["Student", "Now", `First join (${zone})`, "Last leave", "Late", "Attended", live ? "Status so far" : "Status"]}>
            {shown.map((student) => (
              <tr key={student.studentId} data-student={student.email} className={student.inMeeting ? "bg-green-50/60" : undefined}>
                <RowHeader className="min-w-[12rem] text-left font-normal">
                  <Link href={`/students/${student.studentId}`} className="font-medium text-blue-800 hover:underline">
                    {student.name}
                  </Link>
                  <div className="text-xs break-all text-slate-600">{student.email}</div>
                </RowHeader>
                <Td className="whitespace-nowrap" data-col="now">
                  <Presence student={student} state={session.state} />
                </Td>
                <Td className="whitespace-nowrap tabular-nums">{student.firstJoinAt ? formatTime(student.firstJoinAt, tz, true) : "—"}</Td>
                <Td className="whitespace-nowrap tabular-nums">
                  {student.lastLeaveAt ? formatTime(student.lastLeaveAt, tz, true) : student.inMeeting ? <span className="text-slate-600">still in</span> : "—"}
                </Td>
                <Td className="whitespace-nowrap" data-col="late">
                  {student.late ? (
                    <LateBadge lateBySeconds={student.lateBySeconds} />
                  ) : student.joinCount > 0 ? (
                    <span className="text-slate-700">On time</span>
                  ) : notified.has(student.studentId) ? (
                    <span className="text-slate-700">Emailed</span>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td className="whitespace-nowrap" data-col="attended">
                  <Attended percent={student.attendedPercent} seconds={student.attendedSeconds} provisional={live} />
                </Td>
                <Td data-col="status">
                  {!student.enrolled ? (
                    <span className="text-slate-700">Not enrolled</span>
                  ) : session.state === "scheduled" && !student.override ? (
                    <span className="text-slate-600">—</span>
                  ) : (
                    <StatusBadge status={student.status} />
                  )}
                  {student.override ? <div className="text-xs text-slate-600">computed: {student.computedStatus} · overridden</div> : null}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section id="timeline" title="Timeline" description="Who was connected when, across the class window.">
        {shown.length === 0 ? (
          <EmptyState>Nobody to draw yet.</EmptyState>
        ) : (
          <AttendanceTimeline
            rows={shown.map((student) => ({
              id: student.studentId,
              name: student.name,
              intervals: student.intervals,
              breakoutIntervals: student.breakoutIntervals,
              inMeeting: student.inMeeting,
            }))}
            startsAt={session.startsAt}
            durationMinutes={session.durationMinutes}
            lateAfterMinutes={session.lateAfterMinutes}
            timeZone={tz}
            now={data.now}
            live={live}
            caption={`${formatTime(session.startsAt, tz)} to ${formatTime(end, tz)} ${zone}${filter === "all" ? "" : `, ${FILTERS.find((candidate) => candidate.value === filter)!.label.toLowerCase()} only`}.`}
          />
        )}
      </Section>

      <HostsTable hosts={data.hosts} timeZone={tz} scheduled={session.state === "scheduled"} />

      <Section id="guests" title={`Guests (${data.guests.length})`} description="People in the meeting who did not match a roster student. Match one to a student and it sticks for later sessions.">
        {data.guests.length === 0 ? (
          <EmptyState>No guests{session.state === "scheduled" ? " yet" : ""}: everyone who joined matched a student.</EmptyState>
        ) : (
          <Table label="Guests" testId="guests" columns={["Guest", "Now", "First join", "Attended", "Match to student"]}>
            {data.guests.map((guest) => (
              <tr key={guest.guestKey} data-guest={guest.name}>
                <RowHeader className="min-w-[10rem] text-left font-normal">
                  <span className="font-medium">{guest.name || "(no name)"}</span>
                  <div className="text-xs break-all text-slate-600">{guest.email ?? "no email"}</div>
                </RowHeader>
                <Td className="whitespace-nowrap">
                  {guest.inMeeting ? <InMeeting devices={guest.openConnections} /> : <span className="text-slate-700">Left</span>}
                </Td>
                <Td className="whitespace-nowrap tabular-nums">{guest.firstJoinAt ? formatTime(guest.firstJoinAt, tz, true) : "—"}</Td>
                <Td className="whitespace-nowrap">
                  <Attended percent={guest.attendedPercent} seconds={guest.attendedSeconds} provisional={live} />
                </Td>
                <Td className="min-w-[16rem]">
                  {students.length > 0 ? (
                    <>
                      <GuestSuggestions action={matchAndAnnounce} guestKey={guest.guestKey} guestName={guest.name} suggestions={guest.suggestions ?? []} onMatched={onMatched} />
                      <GuestMatchForm action={matchAndAnnounce} guestKey={guest.guestKey} guestName={guest.name} students={students} onMatched={onMatched} />
                    </>
                  ) : (
                    <span className="text-slate-600">Add students to the roster first.</span>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

    </div>
  );
}

function UpdateStatus({ data, status, problem }: { data: LivePayload; status: ReturnType<typeof useLiveSession>["status"]; problem: string | null }) {
  if (status === "signed_out") {
    return (
      <div className="mt-3">
        <Notice tone="warning" role="alert">
          You were signed out, so this page stopped updating. <a href="/login" className="font-medium underline">Sign in again</a>.
        </Notice>
      </div>
    );
  }
  if (status === "gone") {
    return (
      <div className="mt-3">
        <Notice tone="warning" role="alert">
          This session is no longer available to you, so this page stopped updating.
        </Notice>
      </div>
    );
  }
  return (
    <p className="mt-2 flex flex-wrap items-center gap-x-2 text-xs text-slate-600">
      <LiveIndicator status={status} />
      {problem && status !== "connected" ? <span className="font-medium text-red-800">Connection problem, retrying…</span> : null}
      <span>
        Updated {formatTime(data.now, data.course.timezone, true)} {zoneAbbreviation(data.now, data.course.timezone)}
        {data.computedAt ? ` · last recomputed ${formatTime(data.computedAt, data.course.timezone, true)}` : " · no Zoom events yet"}
      </span>
    </p>
  );
}

function Stat({ label, value, of, highlight = false }: { label: string; value: number | string; of?: number; highlight?: boolean }) {
  return (
    <div className={`rounded-lg border p-3 shadow-sm ${highlight ? "border-green-300 bg-green-50" : "border-slate-200 bg-white"}`}>
      <dt className="text-xs font-medium text-slate-700">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">
        {value}
        {of !== undefined ? <span className="text-sm font-normal text-slate-600"> / {of}</span> : null}
      </dd>
    </div>
  );
}

function InMeeting({ devices }: { devices: number }) {
  return (
    <span className="inline-flex items-center gap-1.5 font-medium text-green-900">
      <span aria-hidden="true" className="h-2.5 w-2.5 rounded-full bg-green-600" />
      In meeting
      {devices > 1 ? <span className="rounded-full bg-green-100 px-1.5 text-xs font-semibold ring-1 ring-green-700/30">{plural(devices, "device")}</span> : null}
    </span>
  );
}

function Presence({ student, state }: { student: StudentRow; state: LivePayload["session"]["state"] }) {
  // Before the class, an early join is not "in the meeting" yet (the meeting may not even run).
  if (state === "scheduled") return <span className="text-slate-600">{student.joinCount > 0 ? "Joined early" : "—"}</span>;
  if (student.inMeeting && student.breakoutRoom !== null) return <InBreakoutRoom room={student.breakoutRoom} devices={student.openConnections} />;
  if (student.inMeeting) return <InMeeting devices={student.openConnections} />;
  if (student.joinCount > 0) return <span className="text-slate-700">Left</span>;
  return <span className="text-slate-600">Not joined</span>;
}

function Attended({ percent, seconds, provisional }: { percent: number; seconds: number; provisional: boolean }) {
  return (
    <div className="flex items-center gap-2">
      <div className="hidden h-2 w-16 overflow-hidden rounded-full bg-slate-200 sm:block" aria-hidden="true">
        <div className="h-full bg-blue-700" style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <span className="tabular-nums">{formatPercent(percent)}</span>
      <span className="text-xs text-slate-600">{formatDuration(seconds)}</span>
      {provisional ? (
        <span className="rounded bg-slate-100 px-1 text-xs text-slate-700" title="Provisional: the class is still running">
          so far
        </span>
      ) : null}
    </div>
  );
}
