// The live session page polls this (SWR) with the browser's session cookie.
import { NextResponse } from "next/server";
import { findVisibleSession, getCurrentUser } from "@/lib/access";
import { loadLivePayload } from "./payload";

export const dynamic = "force-dynamic";

const error = (status: number, code: string, message: string) =>
  NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });

export async function GET(_request: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  const started = performance.now();
  const user = await getCurrentUser();
  if (!user) return error(401, "unauthorized", "Sign in to see this session.");
  const { sessionId } = await params;
  // Another instructor's session answers exactly like one that does not exist.
  const session = await findVisibleSession(user, sessionId);
  const payload = session ? await loadLivePayload(session.id) : null;
  if (!payload) return error(404, "not_found", "No such session.");
  const response = NextResponse.json(payload, { headers: { "cache-control": "no-store" } });
  // Server time of this poll (auth, access check, read, JSON), for npm run bench:roster and browser dev tools.
  response.headers.set("server-timing", `app;dur=${(performance.now() - started).toFixed(1)}`);
  return response;
}
