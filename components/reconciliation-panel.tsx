// Session page: reconciliation with Zoom's report. When it last ran and what it changed, failures
// with their error, a queued or retrying run, and "Reconcile now"; or, without Report API
// credentials, a note that the feature is off.
import { SubmitButton } from "@/components/form-controls";
import { Notice } from "@/components/ui";
import { formatDateTime } from "@/lib/format";
import { getReconciliationStatus, type ReconciliationRunView } from "@/lib/reconcile/read";
import { manualReconcileAvailableAt } from "@/lib/reconcile/cooldown";

const TRIGGER_LABELS: Record<string, string> = {
  after_meeting: "after the meeting",
  nightly: "nightly",
  manual: "on demand",
};

function rowsText(run: ReconciliationRunView): string {
  return `${run.rowsSeen} report ${run.rowsSeen === 1 ? "row" : "rows"}`;
}

/** `reconcileNow` is the page's server action, bound to this session (components never import app/). */
export async function ReconciliationPanel({
  sessionId,
  reconcileNow,
}: {
  sessionId: string;
  reconcileNow: () => Promise<void>;
}) {
  const status = await getReconciliationStatus(sessionId);
  const when = (iso: string) => formatDateTime(iso, status.timeZone);
  const headingId = `reconciliation-${sessionId}-heading`;

  if (!status.configured) {
    return (
      <section aria-labelledby={headingId} className="mt-8" data-testid="reconciliation-panel">
        <h2 id={headingId} className="text-lg font-semibold text-slate-900">
          Reconciliation with Zoom
        </h2>
        <div className="mt-3">
          <Notice tone="info">{status.offMessage}</Notice>
        </div>
      </section>
    );
  }

  const last = status.lastSucceeded;
  const latest = status.recent[0] ?? null;
  const latestFailed = latest !== null && latest.status === "failed" ? latest : null;
  const availableAt = await manualReconcileAvailableAt(sessionId);

  return (
    <section aria-labelledby={headingId} className="mt-8" data-testid="reconciliation-panel">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id={headingId} className="text-lg font-semibold text-slate-900">
          Reconciliation with Zoom
        </h2>
        {availableAt ? (
          <p className="text-sm text-slate-700" data-testid="reconcile-cooldown">
            <button
              type="button"
              disabled
              className="mr-2 cursor-not-allowed rounded-md border border-slate-300 bg-slate-100 px-3 py-1.5 text-sm text-slate-500"
            >
              Reconcile now
            </button>
            Available again at <time dateTime={availableAt.toISOString()}>{when(availableAt.toISOString())}</time> (once
            every 5 minutes).
          </p>
        ) : (
          <form action={reconcileNow}>
            <SubmitButton variant="secondary" pendingText="Queuing…">
              Reconcile now
            </SubmitButton>
          </form>
        )}
      </div>
      <div className="mt-3 space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-800 shadow-sm">
        <p data-testid="reconciliation-summary">
          {last ? (
            <>
              Last reconciled{" "}
              <time dateTime={last.finishedAt ?? last.startedAt}>{when(last.finishedAt ?? last.startedAt)}</time>:{" "}
              {last.changes} ({rowsText(last)}).
            </>
          ) : (
            "Never reconciled."
          )}
        </p>
        {status.pending ? (
          <p role="status" className="text-slate-700">
            {status.pending.running
              ? "A reconciliation is running now."
              : status.pending.attempts > 0
                ? `Zoom was not ready; retrying at ${when(status.pending.runAt)} (attempt ${status.pending.attempts + 1}).`
                : `A reconciliation is queued for ${when(status.pending.runAt)}.`}
          </p>
        ) : null}
        {latestFailed ? (
          <Notice tone="error">
            The reconciliation of {when(latestFailed.startedAt)} failed: {latestFailed.error ?? "unknown error"}
          </Notice>
        ) : null}
        {last?.error ? <p className="text-slate-700">Note: {last.error}</p> : null}
        {!status.webhookLogsEnabled ? (
          <p className="text-xs text-slate-600">
            Webhooks that failed while Rollcall was down are not read back from Zoom&apos;s webhook logs: set
            ZOOM_WEBHOOK_LOGS_APP_ID to turn this on.
          </p>
        ) : null}
        <p className="text-xs text-slate-600">
          Runs automatically after the meeting ends and nightly for the last 7 days. A report row that matches a webhook
          already received is not counted again.
        </p>
        {status.recent.length > 0 ? (
          <details>
            <summary className="cursor-pointer text-sm font-medium text-blue-800">Recent runs</summary>
            <ul className="mt-2 space-y-1">
              {status.recent.map((run) => (
                <li key={run.id}>
                  <time dateTime={run.startedAt}>{when(run.startedAt)}</time> (
                  {TRIGGER_LABELS[run.trigger] ?? run.trigger}):{" "}
                  {run.status === "succeeded"
                    ? `${run.changes} (${rowsText(run)})`
                    : run.status === "running"
                      ? "running"
                      : `failed: ${run.error ?? "unknown error"}`}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
    </section>
  );
}
