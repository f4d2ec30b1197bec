// Zoom REST API client for reconciliation, meeting checks and roster registration
// (docs/zoom.md "Report API", "Meetings and registrants API"): Server-to-Server OAuth with
// a token cached until shortly before it expires, the participant report of a meeting instance,
// the past instances of a meeting ID, the app's webhook logs, a meeting's settings and its
// registrants. Every call follows
// next_page_token, backs off on 429 (honouring Retry-After) and on 5xx / network errors, and
// refreshes the token once when Zoom says it is invalid or expired (401, code 124).
import type { Config } from "../config";
import { getConfig } from "../config";

export interface ZoomCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. https://api.zoom.us/v2 */
  apiUrl: string;
  /** e.g. https://zoom.us/oauth/token */
  oauthUrl: string;
}

/** A participant report row: one join segment (fields as documented; all optional in practice). */
export interface ZoomReportParticipant {
  id?: string | null;
  user_id?: string | null;
  participant_user_id?: string | null;
  name?: string | null;
  user_email?: string | null;
  registrant_id?: string | null;
  customer_key?: string | null;
  join_time?: string | null;
  leave_time?: string | null;
  duration?: number | null;
  status?: string | null;
  failover?: boolean | null;
  bo_mtg_id?: string | null;
}

export interface ZoomPastInstance {
  uuid: string;
  start_time: string;
}

/** GET /meetings/{meetingId} (docs/zoom.md "Meetings and registrants API"). */
export interface ZoomMeeting {
  id: number;
  uuid?: string;
  host_id?: string;
  host_email?: string;
  topic?: string;
  /** 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring with fixed time */
  type?: number;
  start_time?: string;
  duration?: number;
  timezone?: string;
  join_url?: string;
  /** recurring meetings: the occurrences to come */
  occurrences?: { occurrence_id: string; start_time: string; duration?: number; status?: string }[];
  settings?: {
    /** 0 automatic approval, 1 manual approval, 2 no registration */
    approval_type?: 0 | 1 | 2;
    /** recurring meetings: 1 register once for every occurrence, 2 for each occurrence, 3 choose occurrences */
    registration_type?: number;
    [setting: string]: unknown;
  };
}

/** An entry of GET /marketplace/apps/{appId}/webhook_logs (documented fields). */
export interface ZoomWebhookLog {
  event?: string;
  status?: number;
  failed_reason_type?: number;
  user_id?: string;
  endpoint?: string;
  subscription_id?: string;
  request_headers?: string;
  /** the delivered body, as a JSON string (an object is accepted too) */
  request_body?: string | Record<string, unknown>;
  response_headers?: string;
  response_body?: string;
  date_time?: string;
  trace_id?: string;
  request_id?: string;
  retry_num?: number;
}

export interface ZoomRegistrantInput {
  email: string;
  first_name: string;
  last_name?: string;
}

/** 201 answer of POST /meetings/{meetingId}/registrants. */
export interface ZoomAddedRegistrant {
  id?: number | string;
  registrant_id: string;
  join_url?: string;
  topic?: string;
  start_time?: string;
  occurrences?: { occurrence_id: string; start_time: string }[];
}

/** One entry of POST /meetings/{meetingId}/batch_registrants' answer. */
export interface ZoomBatchRegistrant {
  email: string;
  registrant_id: string;
  join_url?: string;
  participant_pin_code?: number;
}

/** One entry of GET /meetings/{meetingId}/registrants. */
export interface ZoomListedRegistrant {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  status?: string;
  create_time?: string;
  join_url?: string;
}

/** Zoom's limit for one POST batch_registrants call. */
export const BATCH_REGISTRANTS_MAX = 30;

export class ZoomApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Zoom's error code from the body ({"code": 124, ...}), when there is one */
    readonly zoomCode: number | null,
    /** worth trying again later (rate limit, server error, network, report not ready) */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "ZoomApiError";
  }
}

/** The Report API credentials from the configuration, or null when they are not all set. */
export function zoomCredentialsFromConfig(config: Config = getConfig()): ZoomCredentials | null {
  if (!config.reportApiConfigured || !config.ZOOM_ACCOUNT_ID || !config.ZOOM_CLIENT_ID || !config.ZOOM_CLIENT_SECRET)
    return null;
  return {
    accountId: config.ZOOM_ACCOUNT_ID,
    clientId: config.ZOOM_CLIENT_ID,
    clientSecret: config.ZOOM_CLIENT_SECRET,
    apiUrl: config.ZOOM_API_URL.replace(/\/+$/, ""),
    oauthUrl: config.ZOOM_OAUTH_URL,
  };
}

/**
 * A meeting UUID as a path segment. Zoom requires a UUID that begins with "/" or contains "//"
 * to be URL-encoded twice; any other UUID is encoded once.
 */
export function encodeMeetingUuid(uuid: string): string {
  const once = encodeURIComponent(uuid);
  return uuid.startsWith("/") || uuid.includes("//") ? encodeURIComponent(once) : once;
}

/** "2026-11-25T17:00:03Z": the format the webhook-logs API takes for `from` and `to`. */
export function zoomDateTime(value: Date): string {
  return value.toISOString().replace(/\.\d{3}Z$/, "Z");
}

// ---------------------------------------------------------------------------------------------
// Access tokens: one cache per credential set, shared by every client in the process.

interface CachedToken {
  token: string;
  /** epoch ms after which the token is not used any more (shortly before Zoom's expiry) */
  refreshAtMs: number;
}

const tokenCache = new Map<string, CachedToken>();
const tokenRequests = new Map<string, Promise<CachedToken>>();

/** Forget every cached token (tests). */
export function clearZoomTokenCache(): void {
  tokenCache.clear();
  tokenRequests.clear();
}

export interface ZoomClientOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** attempts per request on 429 / 5xx / network errors (default 6) */
  maxAttempts?: number;
  /** longest wait between attempts, and the longest Retry-After honoured in place (default 60 s) */
  maxDelayMs?: number;
  /** first backoff delay when Zoom gives no Retry-After (default 1 s, doubling) */
  baseDelayMs?: number;
  /** per-request timeout (default 30 s) */
  timeoutMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Query = Record<string, string | number | undefined>;

export class ZoomClient {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly cacheKey: string;
  /** requests made (including retries): for logs and tests */
  requestCount = 0;

  constructor(
    readonly credentials: ZoomCredentials,
    options: ZoomClientOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.cacheKey = JSON.stringify([credentials.oauthUrl, credentials.accountId, credentials.clientId]);
  }

  /** A valid access token: the cached one until shortly before it expires, else a new one. */
  async accessToken(): Promise<string> {
    const cached = tokenCache.get(this.cacheKey);
    if (cached && this.now() < cached.refreshAtMs) return cached.token;
    let pending = tokenRequests.get(this.cacheKey);
    if (!pending) {
      pending = this.fetchToken().finally(() => tokenRequests.delete(this.cacheKey));
      tokenRequests.set(this.cacheKey, pending);
    }
    return (await pending).token;
  }

  private invalidateToken(token: string): void {
    if (tokenCache.get(this.cacheKey)?.token === token) tokenCache.delete(this.cacheKey);
  }

  private async fetchToken(): Promise<CachedToken> {
    const url = new URL(this.credentials.oauthUrl);
    url.searchParams.set("grant_type", "account_credentials");
    url.searchParams.set("account_id", this.credentials.accountId);
    const basic = Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`).toString("base64");
    const response = await this.send(
      url,
      { method: "POST", headers: { authorization: `Basic ${basic}` } },
      "OAuth token",
    );
    const body = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (!body || typeof body.access_token !== "string" || body.access_token === "") {
      throw new ZoomApiError("Zoom's OAuth answer had no access_token", response.status, null, true);
    }
    const expiresInSeconds = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600;
    // Stop using a token a minute before it expires (or halfway through a very short lifetime).
    const marginSeconds = Math.min(60, expiresInSeconds / 2);
    const token = { token: body.access_token, refreshAtMs: this.now() + (expiresInSeconds - marginSeconds) * 1000 };
    tokenCache.set(this.cacheKey, token);
    return token;
  }

  /**
   * One HTTP exchange with retries: 429 (Retry-After honoured up to maxDelayMs), 5xx and network
   * errors back off and try again; any other non-2xx answer throws ZoomApiError at once.
   */
  private async send(url: URL, init: RequestInit, what: string): Promise<Response> {
    let lastError: ZoomApiError | null = null;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let response: Response;
      this.requestCount++;
      try {
        response = await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        lastError = new ZoomApiError(
          `${what}: ${error instanceof Error ? error.message : String(error)}`,
          0,
          null,
          true,
        );
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }
      if (response.ok) return response;
      const { message, code } = await readZoomError(response);
      if (response.status === 429 || response.status >= 500) {
        lastError = new ZoomApiError(
          `${what}: HTTP ${response.status}${message ? ` ${message}` : ""}`,
          response.status,
          code,
          true,
        );
        if (attempt >= this.maxAttempts) break;
        const retryAfterMs =
          response.status === 429 ? parseRetryAfter(response.headers.get("retry-after"), this.now()) : null;
        // A Retry-After far in the future (a daily limit) is not waited for here: the job retries later.
        if (retryAfterMs !== null && retryAfterMs > this.maxDelayMs) break;
        await this.sleep(retryAfterMs ?? this.backoff(attempt));
        continue;
      }
      throw new ZoomApiError(
        `${what}: HTTP ${response.status}${message ? ` ${message}` : ""}`,
        response.status,
        code,
        false,
      );
    }
    throw lastError ?? new ZoomApiError(`${what}: no answer`, 0, null, true);
  }

  private backoff(attempt: number): number {
    const delay = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.min(this.maxDelayMs, delay + Math.floor(Math.random() * this.baseDelayMs * 0.25));
  }

  /** GET an API path with the access token; a 401 refreshes the token once and tries again. */
  async get<T>(path: string, query: Query = {}): Promise<T> {
    const response = await this.call("GET", path, query);
    return (await response.json()) as T;
  }

  /** POST / PUT / PATCH a JSON body; an empty answer (204) reads as null. */
  async write<T>(method: "POST" | "PUT" | "PATCH", path: string, body: unknown, query: Query = {}): Promise<T | null> {
    const response = await this.call(method, path, query, body);
    const text = await response.text();
    return text.trim() === "" ? null : (JSON.parse(text) as T);
  }

  private async call(method: string, path: string, query: Query, body?: unknown): Promise<Response> {
    const url = new URL(this.credentials.apiUrl.replace(/\/+$/, "") + path);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
    }
    for (let round = 0; ; round++) {
      const token = await this.accessToken();
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
      if (body !== undefined) headers["content-type"] = "application/json";
      try {
        return await this.send(
          url,
          { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
          `${method} ${path}`,
        );
      } catch (error) {
        if (error instanceof ZoomApiError && error.status === 401 && round === 0) {
          this.invalidateToken(token);
          continue;
        }
        throw error;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Meetings and registrants (docs/zoom.md "Meetings and registrants API").

  // getMeeting (beside the report calls) reads the registration settings (approval_type 2: off).

  /** Registers one person (auto-approved); `occurrenceIds` for recurring meetings registered per occurrence. */
  async addRegistrant(
    meetingId: string,
    registrant: ZoomRegistrantInput,
    occurrenceIds: string[] = [],
  ): Promise<ZoomAddedRegistrant> {
    const answer = await this.write<ZoomAddedRegistrant>(
      "POST",
      `/meetings/${encodeURIComponent(meetingId)}/registrants`,
      { ...registrant, auto_approve: true },
      { occurrence_ids: occurrenceIds.length > 0 ? occurrenceIds.join(",") : undefined },
    );
    if (!answer || typeof answer.registrant_id !== "string")
      throw new ZoomApiError(
        `POST /meetings/${meetingId}/registrants: no registrant_id in Zoom's answer`,
        201,
        null,
        false,
      );
    return answer;
  }

  /** Registers up to 30 people in one call (meetings with automatic approval only). */
  async addRegistrantsBatch(meetingId: string, registrants: ZoomRegistrantInput[]): Promise<ZoomBatchRegistrant[]> {
    if (registrants.length > BATCH_REGISTRANTS_MAX)
      throw new Error(`at most ${BATCH_REGISTRANTS_MAX} registrants per batch`);
    const answer = await this.write<{ registrants?: ZoomBatchRegistrant[] }>(
      "POST",
      `/meetings/${encodeURIComponent(meetingId)}/batch_registrants`,
      {
        auto_approve: true,
        registrants,
      },
    );
    return answer?.registrants ?? [];
  }

  /** Every registrant of a meeting with the given status (all pages). */
  async listRegistrants(
    meetingId: string,
    options: { status?: "approved" | "pending" | "denied"; pageSize?: number } = {},
  ): Promise<ZoomListedRegistrant[]> {
    const registrants: ZoomListedRegistrant[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await this.get<{ registrants?: ZoomListedRegistrant[]; next_page_token?: string }>(
        `/meetings/${encodeURIComponent(meetingId)}/registrants`,
        {
          status: options.status ?? "approved",
          page_size: options.pageSize ?? 300,
          next_page_token: nextPageToken,
        },
      );
      registrants.push(...(page.registrants ?? []));
      nextPageToken = page.next_page_token || undefined;
    } while (nextPageToken);
    return registrants;
  }

  /** Approves, denies or cancels registrants; a cancelled registrant's personal link stops working. */
  async updateRegistrantStatus(
    meetingId: string,
    action: "approve" | "deny" | "cancel",
    registrants: { id: string; email: string }[],
  ): Promise<void> {
    await this.write("PUT", `/meetings/${encodeURIComponent(meetingId)}/registrants/status`, { action, registrants });
  }

  /** Every row of the participant report of one meeting (or webinar) instance (all pages). */
  async reportParticipants(
    meetingUuid: string,
    options: { pageSize?: number; kind?: "meeting" | "webinar" } = {},
  ): Promise<ZoomReportParticipant[]> {
    const rows: ZoomReportParticipant[] = [];
    const collection = options.kind === "webinar" ? "webinars" : "meetings";
    let nextPageToken: string | undefined;
    do {
      const page = await this.get<{ participants?: ZoomReportParticipant[]; next_page_token?: string }>(
        `/report/${collection}/${encodeMeetingUuid(meetingUuid)}/participants`,
        { page_size: options.pageSize ?? 300, include_fields: "registrant_id", next_page_token: nextPageToken },
      );
      rows.push(...(page.participants ?? []));
      nextPageToken = page.next_page_token || undefined;
    } while (nextPageToken);
    return rows;
  }

  /** A meeting's details (host, registration settings). 404 with code 3001: no such meeting. */
  async getMeeting(meetingId: string): Promise<ZoomMeeting> {
    return this.get<ZoomMeeting>(`/meetings/${encodeURIComponent(meetingId)}`);
  }

  /** The ended instances of a meeting ID: [{uuid, start_time}]. */
  async pastInstances(meetingId: string): Promise<ZoomPastInstance[]> {
    const answer = await this.get<{ meetings?: ZoomPastInstance[] }>(
      `/past_meetings/${encodeURIComponent(meetingId)}/instances`,
    );
    return (answer.meetings ?? []).filter((meeting) => typeof meeting.uuid === "string" && meeting.uuid !== "");
  }

  /** The app's webhook logs between `from` and `to` (at most 7 days ago); failed deliveries by default. */
  async webhookLogs(
    appId: string,
    options: { from: Date; to: Date; type?: 1 | 2 | 3; pageSize?: number },
  ): Promise<ZoomWebhookLog[]> {
    const logs: ZoomWebhookLog[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await this.get<{ webhook_logs?: ZoomWebhookLog[]; next_page_token?: string }>(
        `/marketplace/apps/${encodeURIComponent(appId)}/webhook_logs`,
        {
          from: zoomDateTime(options.from),
          to: zoomDateTime(options.to),
          type: options.type ?? 2,
          page_size: options.pageSize ?? 300,
          next_page_token: nextPageToken,
        },
      );
      logs.push(...(page.webhook_logs ?? []));
      nextPageToken = page.next_page_token || undefined;
    } while (nextPageToken);
    return logs;
  }
}

async function readZoomError(response: Response): Promise<{ message: string; code: number | null }> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; reason?: unknown; error?: unknown };
    const code = typeof body.code === "number" ? body.code : null;
    const message =
      [body.message, body.reason, body.error].find((value): value is string => typeof value === "string") ?? "";
    return { message: message.slice(0, 300), code };
  } catch {
    return { message: text.slice(0, 300), code: null };
  }
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/** A client for the configured credentials, or null when the Report API is not configured. */
export function zoomClientFromConfig(config: Config = getConfig(), options: ZoomClientOptions = {}): ZoomClient | null {
  const credentials = zoomCredentialsFromConfig(config);
  return credentials ? new ZoomClient(credentials, options) : null;
}
