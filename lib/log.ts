// One-line JSON logs. Never pass secrets, tokens or student emails in `fields`.
type Level = "info" | "warn" | "error";

// A last line of defence: errors we only pass through (a mail server refusing "<ana@school.edu>",
// graphile-worker's "Failed task" line quoting that error) can name a student. Logs are kept and
// shipped far longer than RETENTION_DAYS, so any email address is masked before it is written.
const EMAIL_ADDRESS = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

export function redactEmails(text: string): string {
  return text.replace(EMAIL_ADDRESS, "[email]");
}

/** Set once stdout or stderr has failed (its reader is gone): log lines are dropped from then on. */
let outputClosed = false;

/**
 * For long-running processes (web, worker): if the reader of stdout/stderr goes away (a
 * supervisor's pipe or a `| tee` closed), keep running and drop log lines. Without a listener, the
 * pipe's EPIPE is an uncaught exception whose report is written to the same closed pipe — a loop
 * that holds a core at 100 % for as long as the process lives.
 */
export function keepRunningWithoutLogReader(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", () => {
      outputClosed = true;
    });
  }
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  if (outputClosed) return;
  const line = redactEmails(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
  if (level === "error") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

export const log = {
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
