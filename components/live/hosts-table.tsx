// Hosts of the session: the course's instructors and participants Zoom made host or co-host. They
// are listed apart with their own time, never as guests and never in the students' counts.
import type { HostRow } from "@/lib/attendance/read";
import { formatDuration, formatPercent, formatTime } from "@/lib/format";
import { EmptyState, Section } from "../ui";
import { NameAndEmail, RowHeader, Table, Td } from "../table";
import { InBreakoutRoom } from "./breakout-location";

const REASONS: Record<string, string> = { instructor: "Instructor", host: "Made host", "co-host": "Made co-host" };

export function HostsTable({ hosts, timeZone, scheduled }: { hosts: HostRow[]; timeZone: string; scheduled: boolean }) {
  return (
    <Section
      id="hosts"
      title={`Hosts (${hosts.length})`}
      description="The course's instructors and anyone Zoom made host or co-host (students stay students). Not counted as students or guests."
    >
      {hosts.length === 0 ? (
        <EmptyState>
          No host{scheduled ? " yet" : ""}: no instructor of this course and nobody made host or co-host joined.
        </EmptyState>
      ) : (
        <Table label="Hosts" testId="hosts" columns={["Host", "Role", "Now", "First join", "Time in class"]}>
          {hosts.map((host) => (
            <tr key={host.hostKey} data-host={host.name}>
              <RowHeader className="min-w-[10rem] text-left font-normal">
                <NameAndEmail name={host.name || "(no name)"} email={host.email ?? "no email"} />
              </RowHeader>
              <Td className="whitespace-nowrap">{REASONS[host.reason] ?? host.reason}</Td>
              <Td className="whitespace-nowrap">
                {host.breakoutRoom !== null ? (
                  <InBreakoutRoom room={host.breakoutRoom} devices={host.openConnections} />
                ) : host.inMeeting ? (
                  <span className="font-medium text-green-900">In meeting</span>
                ) : host.joinCount > 0 ? (
                  <span className="text-slate-700">Left</span>
                ) : (
                  "—"
                )}
              </Td>
              <Td className="whitespace-nowrap tabular-nums">
                {host.firstJoinAt ? formatTime(host.firstJoinAt, timeZone, true) : "—"}
              </Td>
              <Td className="whitespace-nowrap tabular-nums">
                {formatPercent(host.attendedPercent)}{" "}
                <span className="text-xs text-slate-600">{formatDuration(host.attendedSeconds)}</span>
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}
