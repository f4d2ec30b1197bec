// The PostgreSQL channel that announces committed changes of a session's live data (ADR 016).
// The payload is small ("<sessionId> <version>"): listeners read the data themselves.
export const LIVE_CHANNEL = "rollcall_session_changed";

/**
 * The SQL call that announces a session's new live version (`sessionId` and `version` are SQL
 * expressions), for the statement that writes the change: PostgreSQL delivers a NOTIFY only when
 * (and if) that transaction commits.
 */
export function announceSessionChangeSql(sessionId: string, version: string): string {
  return `pg_notify('${LIVE_CHANNEL}', ${sessionId} || ' ' || ${version})`;
}

/** Parses a notification's payload; null for anything else. */
export function parseSessionChange(payload: string | undefined): { sessionId: string; version: number } | null {
  const match = /^(\S+) (\d+)$/.exec(payload ?? "");
  return match ? { sessionId: match[1], version: Number(match[2]) } : null;
}
