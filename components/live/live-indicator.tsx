// The small "live" mark of the live page: tells pushed updates, a dropped stream and the polling
// fallback apart (data-status is what tests and support look at).
import type { LiveStatus } from "./use-live-session";
import { POLL_MS } from "./use-live-session";

const LOOKS: Record<LiveStatus, { label: string; title: string; dot: string; text: string }> = {
  connecting: {
    label: "Connecting…",
    title: "Opening the live connection.",
    dot: "bg-slate-400",
    text: "text-slate-700",
  },
  connected: {
    label: "Live",
    title: "Changes appear as they happen.",
    dot: "bg-green-600 motion-safe:animate-pulse",
    text: "text-green-900",
  },
  reconnecting: {
    label: "Reconnecting…",
    title: "The live connection dropped; trying again.",
    dot: "bg-amber-500",
    text: "text-amber-900",
  },
  polling: {
    label: `Polling every ${POLL_MS / 1000} s`,
    title:
      "Something between this browser and the server holds back live updates, so the page asks for changes instead.",
    dot: "bg-slate-500",
    text: "text-slate-800",
  },
  final: { label: "Final figures", title: "The class has ended.", dot: "bg-slate-300", text: "text-slate-700" },
  signed_out: { label: "Not updating", title: "Signed out.", dot: "bg-red-600", text: "text-red-900" },
  gone: {
    label: "Not updating",
    title: "This session is no longer available to you.",
    dot: "bg-red-600",
    text: "text-red-900",
  },
};

export function LiveIndicator({ status }: { status: LiveStatus }) {
  const look = LOOKS[status];
  return (
    <span
      data-testid="live-indicator"
      data-status={status}
      title={look.title}
      className={`inline-flex items-center gap-1.5 font-medium ${look.text}`}
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${look.dot}`} />
      {look.label}
    </span>
  );
}
