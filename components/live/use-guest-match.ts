"use client";

// Matching a guest from the live page: the answer's message is shown as a flash, and the payload
// is fetched again a few times while the worker recomputes.
import { useCallback, useEffect, useRef, useState } from "react";
import type { FormStateLike } from "../form-controls";

type MatchAction = (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;

export function useGuestMatch(matchAction: MatchAction, refresh: () => Promise<void>) {
  const [flash, setFlash] = useState<string | null>(null);
  const refreshTimers = useRef<ReturnType<typeof setTimeout>[]>([]);
  // After a match the worker recomputes in the background: look again a few times, also when
  // the session has ended and is no longer polled.
  const onMatched = useCallback(
    (message: string) => {
      setFlash(message);
      refreshTimers.current.forEach(clearTimeout);
      refreshTimers.current = [500, 1_500, 3_000, 6_000].map((delay) => setTimeout(() => void refresh(), delay));
    },
    [refresh],
  );
  useEffect(() => () => refreshTimers.current.forEach(clearTimeout), []);
  // The match's answer is taken here, not only in the form: the recompute it starts can be pushed
  // before the answer arrives, and then the guest's row (and its form) is already gone.
  const matchAndAnnounce = useCallback(
    async (state: FormStateLike, formData: FormData) => {
      const result = await matchAction(state, formData);
      if (result.ok && result.message) onMatched(result.message);
      return result;
    },
    [matchAction, onMatched],
  );
  return { flash, onMatched, matchAndAnnounce };
}
