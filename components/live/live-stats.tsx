// The live page's headline figures, and one short spoken line when the count in the meeting changes.
import type { LivePayload } from "@/lib/attendance/live-delta";

export function LiveStats({ data }: { data: LivePayload }) {
  const { session, counts, students } = data;
  const live = session.state === "live";
  return (
    <>
      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Stat
          label="In meeting now"
          value={session.state === "scheduled" ? "—" : counts.inMeeting}
          of={students.length}
          highlight={live}
        />
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
    </>
  );
}

function Stat({
  label,
  value,
  of,
  highlight = false,
}: {
  label: string;
  value: number | string;
  of?: number;
  highlight?: boolean;
}) {
  return (
    <div
      className={`rounded-lg border p-3 shadow-sm ${highlight ? "border-green-300 bg-green-50" : "border-slate-200 bg-white"}`}
    >
      <dt className="text-xs font-medium text-slate-700">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">
        {value}
        {of !== undefined ? <span className="text-sm font-normal text-slate-600"> / {of}</span> : null}
      </dd>
    </div>
  );
}
