// Server-sent events for the live session page (ADR 016): the first event is the full payload
// (or "ready" when the client already has the current version), then one "delta" per change,
// each with its version as the event id so a reconnect resumes from Last-Event-ID.
import { NextResponse } from "next/server";
import { findVisibleSession, getCurrentUser } from "@/lib/access";
import { liveHub } from "@/lib/live/hub";
import { openEventStream, parseSince } from "@/lib/live/sse";

export const dynamic = "force-dynamic";

const error = (status: number, code: string, message: string) =>
  NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });

export async function GET(request: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return error(401, "unauthorized", "Sign in to see this session.");
  const { sessionId } = await params;
  // Another instructor's session answers exactly like one that does not exist.
  const session = await findVisibleSession(user, sessionId);
  if (!session) return error(404, "not_found", "No such session.");
  const since = parseSince(request.headers.get("last-event-id"), new URL(request.url).searchParams.get("since"));
  if (since === "invalid")
    return error(400, "invalid_since", "Last-Event-ID and ?since= must be a session version (a whole number).");
  return openEventStream(request.signal, (subscriber) => liveHub().subscribe(session.id, since, subscriber));
}
