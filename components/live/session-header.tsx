// The top of the live page: the session's state, time and rules, and whether the page is still
// being updated (with the live indicator) and as of when.
import type { LivePayload } from "@/lib/attendance/live-delta";
import { formatDateTime, formatTime, zoneAbbreviation } from "@/lib/format";
import { Notice, StateBadge } from "../ui";
import { LiveIndicator } from "./live-indicator";
import type { LiveStatus } from "./use-live-session";

export function SessionFacts({ session, timeZone }: { session: LivePayload["session"]; timeZone: string }) {
  const end = new Date(Date.parse(session.startsAt) + session.durationMinutes * 60_000);
  return (
    <div className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-slate-700">
      <StateBadge state={session.state} />
      <span>
        {formatDateTime(session.startsAt, timeZone)} – {formatTime(end, timeZone)} · {session.durationMinutes} min ·
        Zoom meeting {session.zoomMeetingId}
      </span>
      <span>
        Late after {session.lateAfterMinutes} min · present at {session.requiredPercent}%
      </span>
    </div>
  );
}

export function UpdateStatus({
  data,
  status,
  problem,
}: {
  data: LivePayload;
  status: LiveStatus;
  problem: string | null;
}) {
  if (status === "signed_out") {
    return (
      <div className="mt-3">
        <Notice tone="warning" role="alert">
          You were signed out, so this page stopped updating.{" "}
          <a href="/login" className="font-medium underline">
            Sign in again
          </a>
          .
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
      {problem && status !== "connected" ? (
        <span className="font-medium text-red-800">Connection problem, retrying…</span>
      ) : null}
      <span>
        Updated {formatTime(data.now, data.course.timezone, true)} {zoneAbbreviation(data.now, data.course.timezone)}
        {data.computedAt
          ? ` · last recomputed ${formatTime(data.computedAt, data.course.timezone, true)}`
          : " · no Zoom events yet"}
      </span>
    </p>
  );
}
