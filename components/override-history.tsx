// A student's override history (append-only), newest first: who changed what, when, and why.
import { formatDateTime, formatDate } from "@/lib/format";
import type { HistoryEntry } from "@/lib/services/overrides";
import { EmptyState } from "./ui";
import { Table, Td } from "./table";

function describe(value: HistoryEntry["before"]): string {
  if (!value) return "computed";
  const late = value.late === null ? "" : value.late ? ", late" : ", on time";
  return `${value.status}${late}`;
}

const ACTIONS: Record<string, string> = { set: "Overrode", change: "Changed", remove: "Removed override" };

export function OverrideHistoryList({ entries, timeZone }: { entries: HistoryEntry[]; timeZone: string }) {
  if (entries.length === 0) return <EmptyState>No overrides: every status is the one computed from Zoom.</EmptyState>;
  return (
    <Table label="Corrections history" testId="override-history" columns={["When", "Who", "Session", "Change", "Note"]}>
      {entries.map((entry) => (
        <tr key={entry.id}>
          <Td className="whitespace-nowrap">{formatDateTime(entry.at, timeZone)}</Td>
          <Td>{entry.by}</Td>
          <Td className="whitespace-nowrap">{formatDate(entry.sessionStartsAt, timeZone)}</Td>
          <Td>
            {ACTIONS[entry.action] ?? entry.action}: {describe(entry.before)} → {describe(entry.after)}
          </Td>
          <Td className="break-words">{entry.note ?? "—"}</Td>
        </tr>
      ))}
    </Table>
  );
}
