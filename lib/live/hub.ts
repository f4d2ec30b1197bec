// The web process's side of live updates (ADR 016): ONE dedicated PostgreSQL connection per
// process LISTENs for committed changes of any session; for each session with open streams in
// this process the hub keeps the last payload it sent, reads the session again once per change
// (not once per page), and sends every open stream of it the rows that changed. A read after the
// first fetches and rebuilds only the rows written since the version it holds (ADR 021).
//
// - A stream that starts at the version the hub holds gets a small "ready" event; any other gets
//   the full payload ("full"). Deltas carry their base version: the client refreshes on a gap.
// - If the LISTEN connection drops, notifications may have been missed: it reconnects with
//   backoff, and then every open stream gets a full payload.
import pg from "pg";
import { loadLiveRead, type LiveRead } from "../attendance/live";
import { diffLivePayload } from "../attendance/live-delta";
import { errorMessage, log } from "../log";
import { LIVE_CHANNEL, parseSessionChange } from "./channel";

export interface LiveSubscriber {
  /** writes one server-sent event */
  send: (event: "ready" | "full" | "delta", data: unknown, id: number) => void;
}

interface SessionFeed {
  subscribers: Set<LiveSubscriber>;
  /** streams waiting for their first event */
  starting: number;
  /** the last read: the payload every stream of the feed has, and the stored rows behind it */
  last: LiveRead | null;
  /** the read in progress, if any; `again` asks for one more read after it */
  reading: Promise<void> | null;
  again: boolean;
  /** the next read sends full payloads (after the listener reconnected) */
  resync: boolean;
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;
/** The LISTEN connection is closed when no stream has been open for this long. */
const IDLE_CLOSE_MS = 60_000;

class LiveHub {
  private feeds = new Map<string, SessionFeed>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private failures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /** How many streams are open in this process (for tests and logs). */
  get streams(): number {
    let count = 0;
    for (const feed of this.feeds.values()) count += feed.subscribers.size;
    return count;
  }

  /**
   * Adds a stream for a session, whose client last saw version `since` (null: nothing), and
   * sends it its first event. Returns the function that removes it.
   */
  async subscribe(sessionId: string, since: number | null, subscriber: LiveSubscriber): Promise<() => void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    let feed = this.feeds.get(sessionId);
    if (!feed) {
      feed = { subscribers: new Set(), starting: 0, last: null, reading: null, again: false, resync: false };
      this.feeds.set(sessionId, feed);
    }
    feed.starting += 1;
    try {
      // Listening before reading: a change committed after the read is then always announced.
      await this.listen();
      if (!feed.last) await this.read(sessionId, feed);
    } finally {
      feed.starting -= 1;
    }
    const snapshot = (feed.last as LiveRead | null)?.payload;
    if (!snapshot) {
      this.unsubscribe(sessionId, subscriber);
      throw new Error("the session could not be read");
    }
    // The first event and joining the feed happen together: every later delta is based on it.
    if (since === snapshot.version) subscriber.send("ready", { version: snapshot.version }, snapshot.version);
    else subscriber.send("full", snapshot, snapshot.version);
    feed.subscribers.add(subscriber);
    return () => this.unsubscribe(sessionId, subscriber);
  }

  private unsubscribe(sessionId: string, subscriber: LiveSubscriber): void {
    const feed = this.feeds.get(sessionId);
    if (!feed) return;
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size === 0 && feed.starting === 0 && !feed.reading) this.feeds.delete(sessionId);
    if (this.feeds.size === 0 && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (this.feeds.size === 0) this.close();
      }, IDLE_CLOSE_MS);
      this.idleTimer.unref?.();
    }
  }

  /** Reads the session again (coalesced: one read at a time, one more if asked meanwhile). */
  private read(sessionId: string, feed: SessionFeed): Promise<void> {
    if (feed.reading) {
      feed.again = true;
      return feed.reading;
    }
    feed.reading = (async () => {
      do {
        feed.again = false;
        const resync = feed.resync;
        feed.resync = false;
        try {
          // After the listener reconnected, changes may have been missed: everything is read.
          const next = await loadLiveRead(sessionId, resync ? null : feed.last);
          if (next) this.publish(feed, next, resync);
        } catch (error) {
          log.warn("live update read failed", { sessionId, error: errorMessage(error) });
          if (!feed.last) throw error;
        }
      } while (feed.again);
    })().finally(() => {
      feed.reading = null;
      if (feed.subscribers.size === 0 && feed.starting === 0) this.feeds.delete(sessionId);
    });
    return feed.reading;
  }

  private publish(feed: SessionFeed, read: LiveRead, full: boolean): void {
    const previous = feed.last?.payload;
    const next = read.payload;
    feed.last = read;
    if (!previous) return;
    if (full) {
      for (const subscriber of feed.subscribers) subscriber.send("full", next, next.version);
      return;
    }
    const delta = diffLivePayload(previous, next);
    if (!delta) return;
    for (const subscriber of feed.subscribers) subscriber.send("delta", delta, next.version);
  }

  private onNotification(payload: string | undefined): void {
    const change = parseSessionChange(payload);
    if (!change) return;
    const feed = this.feeds.get(change.sessionId);
    if (!feed || (feed.last && !feed.reading && change.version <= feed.last.payload.version)) return;
    void this.read(change.sessionId, feed).catch(() => {});
  }

  /** Connects the LISTEN connection if it is not connected (callers wait for it). */
  private listen(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const connectionString = process.env.DATABASE_URL;
      if (!connectionString) throw new Error("DATABASE_URL is not set");
      const client = new pg.Client({ connectionString, application_name: "rollcall-live-listener", keepAlive: true });
      client.on("notification", (message) => this.onNotification(message.payload));
      client.on("error", (error) => this.dropped(client, error));
      client.on("end", () => this.dropped(client, new Error("connection ended")));
      try {
        await client.connect();
        await client.query(`LISTEN ${LIVE_CHANNEL}`);
      } catch (error) {
        client.removeAllListeners("end");
        client.on("error", () => {});
        await client.end().catch(() => {});
        throw error;
      }
      this.client = client;
      this.failures = 0;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** The LISTEN connection broke: reconnect with backoff, then resend every open stream in full. */
  private dropped(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners("notification");
    client.on("error", () => {});
    void client.end().catch(() => {});
    log.warn("live update listener lost its database connection; reconnecting", { error: errorMessage(error) });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.feeds.size === 0) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.failures);
    this.failures += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.listen().then(
        () => {
          log.info("live update listener reconnected", { sessions: this.feeds.size });
          for (const [sessionId, feed] of this.feeds) {
            feed.resync = true;
            void this.read(sessionId, feed).catch(() => {});
          }
        },
        () => this.scheduleReconnect(),
      );
    }, delay);
    this.reconnectTimer.unref?.();
  }

  private close(): void {
    const client = this.client;
    this.client = null;
    if (!client) return;
    client.removeAllListeners();
    client.on("error", () => {});
    void client.end().catch(() => {});
  }
}

const globalForHub = globalThis as unknown as { rollcallLiveHub?: LiveHub };

/** The process's hub (one per process, also when Next loads this module in several bundles). */
export function liveHub(): LiveHub {
  globalForHub.rollcallLiveHub ??= new LiveHub();
  return globalForHub.rollcallLiveHub;
}
