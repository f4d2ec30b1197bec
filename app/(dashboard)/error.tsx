"use client";

import { useEffect } from "react";
import { buttonClass } from "@/components/ui";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-lg rounded-xl border border-red-200 bg-white p-8 shadow-sm">
      <h1 className="text-xl font-semibold text-red-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-700">
        The page could not be loaded. Nothing you saved was lost. Try again; if it keeps happening, give your admin this
        reference: <code className="font-mono">{error.digest ?? "none"}</code>.
      </p>
      <button type="button" onClick={reset} className={`${buttonClass.primary} mt-6`}>
        Try again
      </button>
    </div>
  );
}
