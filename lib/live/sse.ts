// A server-sent event stream as a web Response (for route handlers): events, a keep-alive comment
// at a low rate (a few bytes a minute, so an idle page costs next to nothing, yet proxies and
// load balancers see traffic), and clean-up when the client goes away.
import type { LiveSubscriber } from "./hub";

/** One comment line every 25 s: under the usual 60 s proxy idle timeouts; ~20 bytes a minute. */
export const KEEP_ALIVE_MS = 25_000;
/** How long the browser waits before reconnecting after the stream ends. */
const RETRY_MS = 1_000;

/** The version the client last saw: Last-Event-ID (a browser's reconnect) wins over ?since=. */
export function parseSince(lastEventId: string | null, since: string | null): number | null | "invalid" {
  const value = lastEventId ?? since;
  if (value === null || value === "") return null;
  return /^\d{1,10}$/.test(value) ? Number(value) : "invalid";
}

export function openEventStream(
  signal: AbortSignal,
  start: (subscriber: LiveSubscriber) => Promise<() => void>,
): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      let unsubscribe = () => {};
      const keepAlive = setInterval(() => write(":\n\n"), KEEP_ALIVE_MS);
      const close = () => {
        if (!open) return;
        open = false;
        clearInterval(keepAlive);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      cleanup = close;
      signal.addEventListener("abort", close);
      // A first event at once, before the session is read: through a proxy that passes the
      // stream, the page knows within a round trip that pushes will reach it.
      write(`retry: ${RETRY_MS}\nevent: hello\ndata: {}\n\n`);
      try {
        unsubscribe = await start({
          send: (event, data, id) => write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        });
        if (!open) unsubscribe();
      } catch {
        // The browser reconnects after RETRY_MS and tries again.
        close();
      }
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      // nginx: do not buffer this response (README "Live updates").
      "x-accel-buffering": "no",
    },
  });
}
