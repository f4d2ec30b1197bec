// The PostgreSQL channel that announces committed changes of a session's live data (ADR 016).
// The payload is small ("<sessionId> <version>"): listeners read the data themselves.
export const LIVE_CHANNEL = "rollcall_session_changed";

type Executor = { $executeRawUnsafe: (query: string, ...values: unknown[]) => Promise<number> };

/**
 * Announces a session's new live version. Called inside the transaction that wrote the change:
 * PostgreSQL delivers a NOTIFY only when (and if) that transaction commits.
 */
export async function announceSessionChange(tx: Executor, sessionId: string, version: number): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_notify('${LIVE_CHANNEL}', $1)`, `${sessionId} ${version}`);
}

/** Parses a notification's payload; null for anything else. */
export function parseSessionChange(payload: string | undefined): { sessionId: string; version: number } | null {
  const match = /^(\S+) (\d+)$/.exec(payload ?? "");
  return match ? { sessionId: match[1], version: Number(match[2]) } : null;
}
