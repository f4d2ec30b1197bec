// The live page's timeline: who was connected when, for the students the roster filter shows.
import type { LivePayload } from "@/lib/attendance/live-delta";
import type { StudentRow } from "@/lib/attendance/read";
import { formatTime, zoneAbbreviation } from "@/lib/format";
import { EmptyState, Section } from "../ui";
import { AttendanceTimeline } from "./attendance-timeline";
import { rosterFilter, type RosterFilter } from "./roster-filter";

export function TimelineSection({
  data,
  shown,
  filter,
}: {
  data: LivePayload;
  shown: StudentRow[];
  filter: RosterFilter;
}) {
  const { session } = data;
  const tz = data.course.timezone;
  const zone = zoneAbbreviation(session.startsAt, tz);
  const end = new Date(Date.parse(session.startsAt) + session.durationMinutes * 60_000);
  return (
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
          live={session.state === "live"}
          caption={`${formatTime(session.startsAt, tz)} to ${formatTime(end, tz)} ${zone}${filter === "all" ? "" : `, ${rosterFilter(filter).label.toLowerCase()} only`}.`}
        />
      )}
    </Section>
  );
}
