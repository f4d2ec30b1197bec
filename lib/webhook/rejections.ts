// Rejected webhook deliveries (401, 400, 413, unknown paths) come from anyone on the internet, so
// they may not grow the database without bound (ADR 011, docs/SECURITY.md).
// Each web process writes at most WEBHOOK_REJECTED_ROWS_PER_MINUTE of them as rows per clock
// minute — enough to diagnose a misconfigured Zoom app — and only counts the rest in memory,
// flushed once a second as one upsert per batch into `webhook_rejection_counts`. Deciding costs a
// counter increment: no database round trip per rejected request beyond those bounded rows and
// batched upserts, so a flood does not compete with real deliveries for connections.
import { getConfig } from "../config";
import { getPool } from "../db";
import { errorMessage, log } from "../log";
import type { DeliveryOutcome } from "../generated/prisma/enums";

/** The only request headers a rejected row keeps: enough to find the sender, nothing more. */
export const DIAGNOSTIC_HEADERS = ["x-zm-trackingid", "x-zm-request-id", "user-agent", "content-length"] as const;

export type RejectedOutcome = Extract<
  DeliveryOutcome,
  "rejected_signature" | "rejected_timestamp" | "rejected_body" | "rejected_size" | "rejected_path"
>;

const MINUTE_MS = 60_000;
const FLUSH_INTERVAL_MS = 1_000;

let budgetMinute = -1;
let rowsThisMinute = 0;
/** Counts not yet written, by "<minute ms>|<outcome>". */
const pendingCounts = new Map<string, number>();
let flushTimer: NodeJS.Timeout | null = null;
let flushing: Promise<void> | null = null;

/**
 * Whether this rejected delivery may be written as a row (true) or must only be counted (false,
 * and it is counted). Fixed one-minute windows, per process.
 */
export function admitRejectedRow(outcome: RejectedOutcome, nowMs: number): boolean {
  const minute = Math.floor(nowMs / MINUTE_MS);
  if (minute !== budgetMinute) {
    budgetMinute = minute;
    rowsThisMinute = 0;
  }
  if (rowsThisMinute < getConfig().WEBHOOK_REJECTED_ROWS_PER_MINUTE) {
    rowsThisMinute += 1;
    return true;
  }
  const key = `${minute * MINUTE_MS}|${outcome}`;
  pendingCounts.set(key, (pendingCounts.get(key) ?? 0) + 1);
  flushTimer ??= setTimeout(() => void flushRejectionCounts(), FLUSH_INTERVAL_MS).unref();
  return false;
}

/** Writes the counts gathered so far (one statement). A failed write keeps them for the next try. */
export async function flushRejectionCounts(): Promise<void> {
  if (flushing) await flushing;
  flushTimer = null;
  if (pendingCounts.size === 0) return;
  const entries = [...pendingCounts.entries()];
  pendingCounts.clear();
  const minutes = entries.map(([key]) => new Date(Number(key.split("|")[0])).toISOString());
  const outcomes = entries.map(([key]) => key.split("|")[1]);
  const counts = entries.map(([, count]) => count);
  flushing = (async () => {
    try {
      await getPool().query(
        `INSERT INTO webhook_rejection_counts (minute, outcome, count)
         SELECT m, o::"DeliveryOutcome", c FROM unnest($1::timestamptz[], $2::text[], $3::int[]) AS t(m, o, c)
         ON CONFLICT (minute, outcome) DO UPDATE SET count = webhook_rejection_counts.count + excluded.count`,
        [minutes, outcomes, counts],
      );
    } catch (error) {
      log.error("rejected-delivery counts not written; kept for the next try", { error: errorMessage(error) });
      entries.forEach(([key, count]) => pendingCounts.set(key, (pendingCounts.get(key) ?? 0) + count));
      flushTimer ??= setTimeout(() => void flushRejectionCounts(), 5 * FLUSH_INTERVAL_MS).unref();
    }
  })();
  await flushing;
  flushing = null;
}

/** The diagnostic headers of a request, each cut to 200 characters. */
export function diagnosticHeaders(get: (name: string) => string | null): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of DIAGNOSTIC_HEADERS) {
    const value = get(name);
    if (value !== null) kept[name] = value.slice(0, 200);
  }
  return kept;
}
