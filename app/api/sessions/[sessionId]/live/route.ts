// The live session page's JSON: its first load's data again, and what it polls when a proxy holds
// back the push stream. Revalidates with an ETag: 304 when nothing the page shows has changed.
import { NextResponse } from "next/server";
import { findVisibleSession, getCurrentUser } from "@/lib/access";
import { loadLivePayloadTagged, loadLiveTag } from "@/lib/attendance/live";

export const dynamic = "force-dynamic";

const error = (status: number, code: string, message: string) =>
  NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });

/** If-None-Match lists tags, possibly weak (W/"..."), or "*". */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}

export async function GET(request: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  const started = performance.now();
  const user = await getCurrentUser();
  if (!user) return error(401, "unauthorized", "Sign in to see this session.");
  const { sessionId } = await params;
  // Another instructor's session answers exactly like one that does not exist.
  const session = await findVisibleSession(user, sessionId);
  if (!session) return error(404, "not_found", "No such session.");
  const timing = () => `app;dur=${(performance.now() - started).toFixed(1)}`;
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch) {
    const tag = await loadLiveTag(session.id);
    if (tag && matches(ifNoneMatch, tag.etag)) {
      return new Response(null, {
        status: 304,
        headers: { etag: tag.etag, "cache-control": "no-cache", "server-timing": timing() },
      });
    }
  }
  const loaded = await loadLivePayloadTagged(session.id);
  if (!loaded) return error(404, "not_found", "No such session.");
  const response = NextResponse.json(loaded.payload, { headers: { etag: loaded.etag, "cache-control": "no-cache" } });
  // Server time of this poll (auth, access check, read, JSON), for npm run bench:roster and browser dev tools.
  response.headers.set("server-timing", timing());
  return response;
}
