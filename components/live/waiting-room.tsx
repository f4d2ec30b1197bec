// Who is in Zoom's waiting room right now: time there is not attendance, but an instructor
// admitting students wants the list. Shown only while someone is waiting.
import type { WaitingRoomView } from "@/lib/attendance/waiting-room-read";
import { formatTime } from "@/lib/format";
import { Section } from "../ui";

export function WaitingRoom({ waiting, timeZone }: { waiting: WaitingRoomView[]; timeZone: string }) {
  if (waiting.length === 0) return null;
  return (
    <Section
      id="waiting-room"
      title={`Waiting room (${waiting.length})`}
      description="Waiting to be admitted in Zoom. Time in the waiting room is not attendance."
    >
      <ul
        className="divide-y divide-amber-200 rounded-lg border border-amber-300 bg-amber-50"
        data-testid="waiting-room"
      >
        {waiting.map((person) => (
          <li
            key={`${person.email ?? ""}|${person.name}|${person.since}`}
            className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2 text-sm"
            data-waiting={person.name}
          >
            <span>
              <span className="font-medium text-slate-900">{person.name || "(no name)"}</span>
              {person.email ? <span className="ml-2 text-xs break-all text-slate-700">{person.email}</span> : null}
              {person.studentId ? (
                <span className="ml-2 rounded bg-white px-1.5 text-xs text-slate-800 ring-1 ring-slate-300">
                  on the roster
                </span>
              ) : null}
            </span>
            <span className="text-xs text-slate-700 tabular-nums">
              waiting since {formatTime(person.since, timeZone, true)}
            </span>
          </li>
        ))}
      </ul>
    </Section>
  );
}
