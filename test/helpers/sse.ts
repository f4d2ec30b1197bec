// A minimal server-sent events client over fetch, for tests and bench:school: reads a stream's
// events as they arrive (id, event name, data) and counts the bytes received.
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
  /** Date.now() when the event's last line arrived */
  receivedAt: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  events: SseEvent[];
  /** bytes of the response body so far */
  bytes: () => number;
  /** resolves with the first event (from index `from` on) that satisfies `test` */
  next: (test?: (event: SseEvent) => boolean, timeoutMs?: number, from?: number) => Promise<SseEvent>;
  onEvent: (listener: (event: SseEvent) => void) => void;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  close: () => void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const listeners: ((event: SseEvent) => void)[] = [];
  let bytes = 0;
  const waiters = new Set<() => void>();
  const ended = (async () => {
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | null = null;
          let name = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "id") id = value;
            else if (field === "event") name = value;
            else if (field === "data") data.push(value);
          }
          if (data.length === 0) continue;
          const event = { id, event: name, data: data.join("\n"), receivedAt: Date.now() };
          events.push(event);
          for (const listener of listeners) listener(event);
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted by close()
    } finally {
      for (const wake of waiters) wake();
    }
  })();
  let finished = false;
  void ended.then(() => (finished = true));
  return {
    status: response.status,
    headers: response.headers,
    events,
    bytes: () => bytes,
    ended,
    onEvent: (listener) => listeners.push(listener),
    close: () => controller.abort(),
    next: (test = () => true, timeoutMs = 10_000, from = 0) =>
      new Promise<SseEvent>((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(test);
          if (found) {
            cleanup();
            resolve(found);
          } else if (finished) {
            cleanup();
            reject(
              new Error(`the stream ended without the event; got: ${events.map((event) => event.event).join(", ")}`),
            );
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no such event within ${timeoutMs} ms; got: ${events.map((event) => `${event.event}#${event.id}`).join(", ")}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}
