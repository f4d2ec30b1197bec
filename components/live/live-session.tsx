"use client";

// The live roster of one session. The server renders the first picture; the data hook
// (./use-live-session.ts) then keeps it current: changes are pushed over server-sent events and
// merged by row, with polling only as a fallback (ADR 016). This component only lays out the
// pieces of this folder.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { LivePayload } from "@/lib/attendance/live-delta";
import type { FormStateLike } from "../form-controls";
import { Notice } from "../ui";
import { GuestsTable } from "./guests-table";
import { HostsTable } from "./hosts-table";
import { LiveStats } from "./live-stats";
import { rosterFilter, type RosterFilter } from "./roster-filter";
import { SessionFacts, UpdateStatus } from "./session-header";
import { StudentsTable } from "./students-table";
import { TimelineSection } from "./timeline-section";
import { useGuestMatch } from "./use-guest-match";
import { useLiveSession } from "./use-live-session";
import { WaitingRoom } from "./waiting-room";

interface LiveSessionProps {
  initial: LivePayload;
  matchAction: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
}

export function LiveSession({ initial, matchAction }: LiveSessionProps) {
  const { data, status, problem, refresh } = useLiveSession(initial);
  const { flash, onMatched, matchAndAnnounce } = useGuestMatch(matchAction, refresh);
  useRefreshPanels(data);

  const [filter, setFilter] = useState<RosterFilter>("all");
  const { session } = data;
  const tz = data.course.timezone;
  const shown = data.students.filter(rosterFilter(filter).test);

  return (
    <div>
      <SessionFacts session={session} timeZone={tz} />
      <UpdateStatus data={data} status={status} problem={problem} />

      {flash ? (
        <div className="mt-4">
          <Notice tone="success" role="status">
            {flash}
          </Notice>
        </div>
      ) : null}

      <LiveStats data={data} />
      <WaitingRoom waiting={data.waiting} timeZone={tz} />
      <StudentsTable data={data} shown={shown} filter={filter} onFilter={setFilter} />
      <TimelineSection data={data} shown={shown} filter={filter} />
      <HostsTable hosts={data.hosts} timeZone={tz} scheduled={session.state === "scheduled"} />
      <GuestsTable data={data} matchAction={matchAndAnnounce} onMatched={onMatched} />
    </div>
  );
}

/**
 * The server-rendered panels below this component (emails, reconciliation) are refreshed when
 * what they show can have changed: the session changed state, or more students were emailed.
 */
function useRefreshPanels(data: LivePayload) {
  const router = useRouter();
  const panelsKey = `${data.session.state}:${data.notifiedStudentIds.length}`;
  const shownPanelsKey = useRef(panelsKey);
  useEffect(() => {
    if (shownPanelsKey.current === panelsKey) return;
    shownPanelsKey.current = panelsKey;
    router.refresh();
  }, [panelsKey, router]);
}
