"use client";

// The live page's data transport (ADR 016). The server renders the first picture; then:
// - push: an EventSource on /api/sessions/:id/live/stream; "full" replaces the data, "delta" is
//   merged by row key; a delta that does not follow the version shown (a gap) triggers a full
//   refresh. The browser reconnects by itself and resumes from Last-Event-ID.
// - fallback: no first event within FIRST_EVENT_MS (a proxy buffering the stream) → polling the
//   JSON endpoint every 2 s with If-None-Match (304 when nothing changed).
// - between changes, figures that grow with the clock are recomputed here, as the server does.
// Nothing is held open once the session has ended.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { applyLiveDelta, withClockFigures, type LiveDelta, type LivePayload } from "@/lib/attendance/live-delta";

/** connected: pushed; reconnecting: the stream dropped; polling: fallback; final: ended, nothing held open. */
export type LiveStatus = "connecting" | "connected" | "reconnecting" | "polling" | "final" | "signed_out" | "gone";

const FIRST_EVENT_MS = 5_000;
/** While polling, the stream is tried again this often. */
const STREAM_RETRY_MS = 60_000;
export const POLL_MS = 2_000;
/** Poll a scheduled session this rarely when its start is far off. */
const SCHEDULED_POLL_MS = 60_000;
const SOON_MS = 60 * 60_000;
/** How often "attended so far" is brought up to the clock. */
const CLOCK_TICK_MS = 5_000;
const RECONNECT_MAX_MS = 30_000;

class LiveFetchError extends Error {
  constructor(readonly status: number) {
    super(status === 401 ? "signed out" : `HTTP ${status}`);
  }
}

export interface LiveSessionData {
  /** the payload with clock figures brought up to now */
  data: LivePayload;
  status: LiveStatus;
  /** the last fetch or stream problem, while it lasts */
  problem: string | null;
  /** fetches the full payload now (e.g. after a guest was matched) */
  refresh: () => Promise<void>;
}

export function useLiveSession(initial: LivePayload): LiveSessionData {
  const [payload, setPayload] = useState(initial);
  const [status, setStatus] = useState<LiveStatus>(initial.session.state === "ended" ? "final" : "connecting");
  const [problem, setProblem] = useState<string | null>(null);
  // The server's clock minus ours, so "so far" figures agree with the server's.
  const clockOffset = useRef(0);
  useEffect(() => {
    clockOffset.current = Date.parse(initial.now) - Date.now();
  }, [initial.now]);
  const [now, setNow] = useState(() => new Date(Date.parse(initial.now)));
  const current = useRef(initial);
  const etag = useRef<string | null>(null);
  const sessionId = initial.session.id;
  const url = `/api/sessions/${sessionId}/live`;

  const accept = useCallback((next: LivePayload) => {
    current.current = next;
    clockOffset.current = Date.parse(next.now) - Date.now();
    setPayload(next);
    setNow(new Date(Date.parse(next.now)));
  }, []);

  const fetchPayload = useCallback(async (): Promise<void> => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (etag.current) headers["if-none-match"] = etag.current;
    const response = await fetch(url, { cache: "no-store", headers });
    if (response.status === 304) return;
    if (!response.ok) throw new LiveFetchError(response.status);
    etag.current = response.headers.get("etag");
    accept((await response.json()) as LivePayload);
  }, [accept, url]);

  const fail = useCallback((error: unknown) => {
    if (error instanceof LiveFetchError && error.status === 401) setStatus("signed_out");
    else if (error instanceof LiveFetchError && error.status === 404) setStatus("gone");
    else setProblem(error instanceof Error ? error.message : String(error));
  }, []);

  const refresh = useCallback(async () => {
    try {
      etag.current = null;
      await fetchPayload();
      setProblem(null);
    } catch (error) {
      fail(error);
    }
  }, [fail, fetchPayload]);

  const ended = payload.session.state === "ended";
  const shownStatus: LiveStatus = ended && status !== "signed_out" && status !== "gone" ? "final" : status;
  const holdOpen = shownStatus !== "signed_out" && shownStatus !== "gone" && shownStatus !== "final";
  const polling = status === "polling";

  // Push: one EventSource while the session is not over.
  useEffect(() => {
    if (!holdOpen || polling) return;
    let source: EventSource | null = null;
    let firstEventTimer: ReturnType<typeof setTimeout> | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let attempts = 0;
    let heardOnce = false;
    let closed = false;

    const open = () => {
      source = new EventSource(`${url}/stream?since=${current.current.version}`);
      firstEventTimer = setTimeout(() => {
        // Nothing arrived: something between us and the server holds the stream back.
        if (heardOnce) return;
        source?.close();
        setStatus("polling");
      }, FIRST_EVENT_MS);
      const heard = () => {
        heardOnce = true;
        attempts = 0;
        if (firstEventTimer) clearTimeout(firstEventTimer);
        setStatus("connected");
        setProblem(null);
      };
      source.addEventListener("hello", heard);
      source.addEventListener("ready", heard);
      source.addEventListener("full", (event) => {
        heard();
        accept(JSON.parse((event as MessageEvent<string>).data) as LivePayload);
      });
      source.addEventListener("delta", (event) => {
        heard();
        const delta = JSON.parse((event as MessageEvent<string>).data) as LiveDelta;
        if (delta.base !== current.current.version) {
          // Missed a change: take everything again.
          void refresh();
          return;
        }
        accept(applyLiveDelta(current.current, delta));
      });
      source.onerror = () => {
        if (closed) return;
        if (source?.readyState === EventSource.CONNECTING) {
          // The browser retries by itself, with Last-Event-ID.
          setStatus("reconnecting");
          return;
        }
        // Closed for good (an error answer): find out why, and open a new one with backoff.
        source?.close();
        if (firstEventTimer) clearTimeout(firstEventTimer);
        setStatus("reconnecting");
        fetchPayload().then(
          () => {
            const delay = Math.min(RECONNECT_MAX_MS, 1_000 * 2 ** attempts);
            attempts += 1;
            retryTimer = setTimeout(() => !closed && open(), delay);
          },
          (error: unknown) => {
            fail(error);
            const delay = Math.min(RECONNECT_MAX_MS, 1_000 * 2 ** attempts);
            attempts += 1;
            if (!(error instanceof LiveFetchError && (error.status === 401 || error.status === 404)))
              retryTimer = setTimeout(() => !closed && open(), delay);
          },
        );
      };
    };
    open();
    return () => {
      closed = true;
      source?.close();
      if (firstEventTimer) clearTimeout(firstEventTimer);
      if (retryTimer) clearTimeout(retryTimer);
    };
  }, [accept, fail, fetchPayload, holdOpen, polling, refresh, url]);

  // Fallback: revalidate with the ETag.
  const startsAt = Date.parse(payload.session.startsAt);
  const scheduled = payload.session.state === "scheduled";
  useEffect(() => {
    if (!holdOpen || !polling) return;
    const pollEvery =
      scheduled && startsAt - (Date.now() + clockOffset.current) > SOON_MS ? SCHEDULED_POLL_MS : POLL_MS;
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        await fetchPayload();
        failures = 0;
        setProblem(null);
      } catch (error) {
        failures += 1;
        fail(error);
      }
      if (!stopped)
        timer = setTimeout(
          () => void poll(),
          failures ? Math.min(RECONNECT_MAX_MS, POLL_MS * 2 ** failures) : pollEvery,
        );
    };
    timer = setTimeout(() => void poll(), pollEvery);
    // A server that was only slow to answer (a cold start) must not leave the page polling for
    // good: try the stream again now and then; a proxy that buffers it sends us back here.
    const retryStream = setTimeout(() => setStatus("connecting"), STREAM_RETRY_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(retryStream);
    };
  }, [fail, fetchPayload, holdOpen, polling, scheduled, startsAt]);

  // The clock: "so far" figures, and a state change (class starts or ends) fetched when it is due.
  const endsAt = startsAt + payload.session.durationMinutes * 60_000;
  const boundaryFetched = useRef<string | null>(null);
  useEffect(() => {
    if (ended) return;
    const timer = setInterval(() => {
      const serverNow = Date.now() + clockOffset.current;
      setNow(new Date(serverNow));
      const state = current.current.session.state;
      // Once per boundary: a meeting still running after the end keeps the session live a while.
      const boundary =
        state === "scheduled" && serverNow >= startsAt
          ? "start"
          : state === "live" && serverNow >= endsAt
            ? "end"
            : null;
      if (boundary && boundaryFetched.current !== boundary) {
        boundaryFetched.current = boundary;
        void refresh();
      }
    }, CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, [ended, endsAt, refresh, startsAt]);

  const data = useMemo(() => (ended ? payload : withClockFigures(payload, now)), [ended, now, payload]);
  return { data, status: shownStatus, problem, refresh };
}
