// Small presentational pieces shared by the dashboard's pages (server- and client-safe).
// Colours are paired with text everywhere: a badge always says what its colour means.
import Link from "next/link";
import type { SessionState } from "@/lib/attendance/types";
import type { FinalStatus } from "@/lib/attendance/final-record";
import { formatLateBy } from "@/lib/format";

export const buttonClass = {
  primary:
    "inline-flex items-center justify-center gap-2 rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:cursor-not-allowed disabled:opacity-60",
  secondary:
    "inline-flex items-center justify-center gap-2 rounded-md border border-slate-400 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60",
  danger:
    "inline-flex items-center justify-center gap-2 rounded-md bg-red-700 px-3 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-60",
  link: "text-sm font-medium text-blue-800 underline-offset-2 hover:underline",
};

export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-500 aria-[invalid=true]:border-red-700";

export function PageHeader({
  title,
  eyebrow,
  description,
  actions,
}: {
  title: React.ReactNode;
  eyebrow?: React.ReactNode;
  description?: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        {eyebrow ? <div className="text-sm text-slate-600">{eyebrow}</div> : null}
        <h1 className="text-2xl font-semibold break-words text-slate-900">{title}</h1>
        {description ? <div className="mt-1 text-sm text-slate-700">{description}</div> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function Section({
  title,
  id,
  actions,
  children,
  description,
}: {
  title: string;
  id?: string;
  actions?: React.ReactNode;
  children: React.ReactNode;
  description?: React.ReactNode;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section aria-labelledby={headingId} className="mt-8">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          {description ? <div className="text-sm text-slate-600">{description}</div> : null}
        </div>
        {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
      </div>
      <div className="mt-3">{children}</div>
    </section>
  );
}

export function Card({ children, className = "" }: { children: React.ReactNode; className?: string }) {
  return <div className={`rounded-lg border border-slate-200 bg-white p-4 shadow-sm ${className}`}>{children}</div>;
}

export function EmptyState({ children }: { children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-400 bg-white p-6 text-sm text-slate-700">
      {children}
    </div>
  );
}

const stateStyles: Record<SessionState, { label: string; className: string }> = {
  live: { label: "Live", className: "bg-green-100 text-green-900 ring-green-700/30" },
  scheduled: { label: "Scheduled", className: "bg-slate-100 text-slate-800 ring-slate-600/30" },
  ended: { label: "Ended", className: "bg-slate-200 text-slate-800 ring-slate-600/30" },
};

export function StateBadge({ state }: { state: SessionState }) {
  const style = stateStyles[state];
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${style.className}`}
    >
      {state === "live" ? (
        <span aria-hidden="true" className="h-2 w-2 animate-pulse rounded-full bg-green-700" />
      ) : null}
      {style.label}
    </span>
  );
}

const statusStyles: Record<FinalStatus, { label: string; className: string }> = {
  present: { label: "Present", className: "bg-green-100 text-green-900 ring-green-700/30" },
  partial: { label: "Partial", className: "bg-amber-100 text-amber-900 ring-amber-700/30" },
  absent: { label: "Absent", className: "bg-red-100 text-red-900 ring-red-700/30" },
  excused: { label: "Excused", className: "bg-sky-100 text-sky-900 ring-sky-700/30" },
};

export function StatusBadge({ status, provisional = false }: { status: FinalStatus; provisional?: boolean }) {
  const style = statusStyles[status];
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${style.className}`}
    >
      {style.label}
      {provisional ? <span className="ml-1 font-normal">(so far)</span> : null}
    </span>
  );
}

export function LateBadge({ lateBySeconds }: { lateBySeconds: number }) {
  return (
    <span className="inline-flex items-center rounded-full bg-orange-100 px-2 py-0.5 text-xs font-semibold whitespace-nowrap text-orange-900 ring-1 ring-orange-700/30">
      {formatLateBy(lateBySeconds)}
    </span>
  );
}

export function BackLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link href={href} className="text-sm font-medium text-blue-800 hover:underline">
      <span aria-hidden="true">← </span>
      {children}
    </Link>
  );
}

export function Notice({
  tone = "info",
  children,
  role,
}: {
  tone?: "info" | "success" | "error" | "warning";
  children: React.ReactNode;
  role?: "alert" | "status";
}) {
  const tones = {
    info: "border-blue-200 bg-blue-50 text-blue-900",
    success: "border-green-200 bg-green-50 text-green-900",
    error: "border-red-200 bg-red-50 text-red-900",
    warning: "border-amber-200 bg-amber-50 text-amber-900",
  };
  return (
    <div role={role} className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}>
      {children}
    </div>
  );
}
