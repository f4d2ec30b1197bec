// A student's override history (append-only), newest first: who changed what, when, and why.
import { formatDateTime, formatDate } from "@/lib/format";
import type { HistoryEntry } from "@/lib/services/overrides";
import { EmptyState, TableWrap, tableClass, tdClass, thClass } from "./ui";

function describe(value: HistoryEntry["before"]): string {
  if (!value) return "computed";
  const late = value.late === null ? "" : value.late ? ", late" : ", on time";
  return `${value.status}${late}`;
}

const ACTIONS: Record<string, string> = { set: "Overrode", change: "Changed", remove: "Removed override" };

export function OverrideHistoryList({ entries, timeZone }: { entries: HistoryEntry[]; timeZone: string }) {
  if (entries.length === 0) return <EmptyState>No overrides: every status is the one computed from Zoom.</EmptyState>;
  return (
    <TableWrap label="Corrections history">
      <table className={tableClass} data-testid="override-history">
        <thead>
          <tr>
            <th scope="col" className={thClass}>When</th>
            <th scope="col" className={thClass}>Who</th>
            <th scope="col" className={thClass}>Session</th>
            <th scope="col" className={thClass}>Change</th>
            <th scope="col" className={thClass}>Note</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(entry.at, timeZone)}</td>
              <td className={tdClass}>{entry.by}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDate(entry.sessionStartsAt, timeZone)}</td>
              <td className={tdClass}>
                {ACTIONS[entry.action] ?? entry.action}: {describe(entry.before)} → {describe(entry.after)}
              </td>
              <td className={`${tdClass} break-words`}>{entry.note ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
