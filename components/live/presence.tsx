// Where a student or guest is right now, and how much of the class they attended: the cells the
// live page's students and guests tables share.
import type { LivePayload } from "@/lib/attendance/live-delta";
import type { StudentRow } from "@/lib/attendance/read";
import { formatDuration, formatPercent, plural } from "@/lib/format";
import { InBreakoutRoom } from "./breakout-location";

export function InMeeting({ devices }: { devices: number }) {
  return (
    <span className="inline-flex items-center gap-1.5 font-medium text-green-900">
      <span aria-hidden="true" className="h-2.5 w-2.5 rounded-full bg-green-600" />
      In meeting
      {devices > 1 ? (
        <span className="rounded-full bg-green-100 px-1.5 text-xs font-semibold ring-1 ring-green-700/30">
          {plural(devices, "device")}
        </span>
      ) : null}
    </span>
  );
}

export function Presence({ student, state }: { student: StudentRow; state: LivePayload["session"]["state"] }) {
  // Before the class, an early join is not "in the meeting" yet (the meeting may not even run).
  if (state === "scheduled")
    return <span className="text-slate-600">{student.joinCount > 0 ? "Joined early" : "—"}</span>;
  if (student.inMeeting && student.breakoutRoom !== null)
    return <InBreakoutRoom room={student.breakoutRoom} devices={student.openConnections} />;
  if (student.inMeeting) return <InMeeting devices={student.openConnections} />;
  if (student.joinCount > 0) return <span className="text-slate-700">Left</span>;
  return <span className="text-slate-600">Not joined</span>;
}

export function Attended({
  percent,
  seconds,
  provisional,
}: {
  percent: number;
  seconds: number;
  provisional: boolean;
}) {
  return (
    <div className="flex items-center gap-2">
      <div className="hidden h-2 w-16 overflow-hidden rounded-full bg-slate-200 sm:block" aria-hidden="true">
        <div className="h-full bg-blue-700" style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <span className="tabular-nums">{formatPercent(percent)}</span>
      <span className="text-xs text-slate-600">{formatDuration(seconds)}</span>
      {provisional ? (
        <span
          className="rounded bg-slate-100 px-1 text-xs text-slate-700"
          title="Provisional: the class is still running"
        >
          so far
        </span>
      ) : null}
    </div>
  );
}
