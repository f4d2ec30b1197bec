// A faithful fake of the parts of Zoom that reconciliation talks to, served over real HTTP inside
// the tests (shapes from docs/zoom.md and Zoom's API reference):
//   POST /oauth/token?grant_type=account_credentials&account_id=…   HTTP Basic client_id:client_secret
//   GET  /v2/report/{meetings|webinars}/{id|uuid}/participants   page_size (default 30, max 300),
//        next_page_token, include_fields=registrant_id; a UUID that begins with "/" or contains "//"
//        must be URL-encoded twice (encoded once it does not reach the meeting: 404)
//   GET  /v2/past_meetings/{meetingId}/instances             {meetings: [{uuid, start_time}]}
//   GET  /v2/meetings/{meetingId}                             {id, uuid, host_id, host_email, topic, type,
//        start_time, duration, timezone, join_url, occurrences?, settings: {approval_type, registration_type?}};
//        unknown: 404 code 3001
//   GET  /v2/marketplace/apps/{appId}/webhook_logs            from/to (yyyy-MM-ddTHH:mm:ssZ, last 7
//        days), type (1 all, 2 failed: default, 3 successful), page_size, next_page_token
//   POST /v2/meetings/{meetingId}/registrants                   {email, first_name, last_name?, auto_approve?}
//        (?occurrence_ids=a,b) → 201 {id, registrant_id, join_url, topic, start_time, occurrences?}
//   POST /v2/meetings/{meetingId}/batch_registrants             {auto_approve, registrants: [≤ 30]} → 201
//        {registrants: [{email, registrant_id, join_url, participant_pin_code}]}; automatic approval only
//   GET  /v2/meetings/{meetingId}/registrants                   status (approved default), page_size (30,
//        max 300), next_page_token → {page_count, page_size, total_records, next_page_token, registrants}
//   PUT  /v2/meetings/{meetingId}/registrants/status            {action: approve|deny|cancel, registrants:
//        [{id, email}]} → 204; a cancelled registrant leaves the approved list
//   A meeting without registration (approval_type 2) answers the registrant calls 400 code 3000
//   "Registration has not been enabled for this meeting". The same email registered again gets
//   its existing registrant back (Zoom's documented behaviour is unverified; Rollcall never relies on it).
// Bearer tokens expire (expires_in); an expired or unknown token gets 401 {"code":124,"message":
// "Invalid access token."}. Injected failures (429 with Retry-After, 5xx) answer the next matching
// requests before the real answer.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ZoomMeeting, ZoomReportParticipant, ZoomWebhookLog } from "../../lib/zoom/api";

type StoredMeeting = FakeMeeting & { registrants: FakeRegistrant[] };

export interface FakeInstance {
  uuid: string;
  meetingId: string;
  startTime: string;
  endTime?: string;
  /** "meeting" (default) or "webinar": which report serves it */
  kind?: "meeting" | "webinar";
  /** report rows, registrant_id included (served only with include_fields=registrant_id) */
  participants: ZoomReportParticipant[];
}

export interface FakeRegistrant {
  id: string;
  email: string;
  first_name: string;
  last_name?: string;
  status: "approved" | "pending" | "denied" | "cancelled";
  create_time: string;
  join_url: string;
  occurrence_ids: string[];
}

export interface FakeMeeting {
  meetingId: string;
  /** default DEFAULT_HOST_EMAIL */
  hostEmail?: string;
  topic?: string;
  /** 0 automatic, 1 manual, 2 no registration (default) */
  approvalType?: 0 | 1 | 2;
  startTime?: string;
  duration?: number;
  /** 2 scheduled, 8 recurring with fixed time (default) */
  type?: number;
  /** recurring: 1 once for all occurrences, 2 each occurrence, 3 choose */
  registrationType?: number;
  occurrences?: { occurrence_id: string; start_time: string; duration?: number }[];
  /** registrants, as Zoom keeps them (filled by the registrant calls or registerDirectly) */
  registrants?: FakeRegistrant[];
}

export interface InjectedFailure {
  status: number;
  /** Retry-After header value (seconds or an HTTP date) */
  retryAfter?: string;
  body?: unknown;
}

export interface RecordedRequest {
  method: string;
  /** the path exactly as sent (still encoded) */
  rawPath: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeZoomOptions {
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
}

const MAX_PAGE_SIZE = 300;
const DEFAULT_HOST_EMAIL = "teacher@school.example";
const DEFAULT_PAGE_SIZE = 30;
const ZOOM_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export class FakeZoom {
  readonly accountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  tokenTtlSeconds: number;
  readonly instances: FakeInstance[] = [];
  readonly meetings = new Map<string, StoredMeeting>();
  readonly webhookLogs = new Map<string, ZoomWebhookLog[]>();
  readonly requests: RecordedRequest[] = [];
  tokensIssued = 0;
  private readonly tokens = new Map<string, number>();
  private readonly pageTokens = new Map<string, { scope: string; offset: number; expiresAt: number }>();
  private readonly failures: { pattern: RegExp; method?: string; remaining: InjectedFailure[] }[] = [];
  private server: http.Server | null = null;
  url = "";

  constructor(options: FakeZoomOptions = {}) {
    this.accountId = options.accountId ?? "fake-account-id";
    this.clientId = options.clientId ?? "fake-client-id";
    this.clientSecret = options.clientSecret ?? "fake-client-secret";
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3599;
  }

  get apiUrl(): string {
    return `${this.url}/v2`;
  }

  get oauthUrl(): string {
    return `${this.url}/oauth/token`;
  }

  /** Environment variables that point Rollcall at this fake. */
  env(): Record<string, string> {
    return {
      ZOOM_ACCOUNT_ID: this.accountId,
      ZOOM_CLIENT_ID: this.clientId,
      ZOOM_CLIENT_SECRET: this.clientSecret,
      ZOOM_API_URL: this.apiUrl,
      ZOOM_OAUTH_URL: this.oauthUrl,
    };
  }

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ code: 500, message: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  addInstance(instance: FakeInstance): void {
    this.instances.push(instance);
  }

  addWebhookLogs(appId: string, logs: ZoomWebhookLog[]): void {
    this.webhookLogs.set(appId, [...(this.webhookLogs.get(appId) ?? []), ...logs]);
  }

  addMeeting(meeting: FakeMeeting): StoredMeeting {
    const stored = { ...meeting, registrants: meeting.registrants ?? [] };
    this.meetings.set(meeting.meetingId, stored);
    return stored;
  }

  /** A registrant as Zoom creates one: a 22-character ID and a personal link carrying a tk= token. */
  registerDirectly(
    meetingId: string,
    person: { email: string; first_name: string; last_name?: string },
    occurrenceIds: string[] = [],
  ): FakeRegistrant {
    const meeting = this.meetings.get(meetingId);
    if (!meeting) throw new Error(`no fake meeting ${meetingId}`);
    const existing = meeting.registrants.find(
      (registrant) =>
        registrant.email.toLowerCase() === person.email.toLowerCase() && registrant.status !== "cancelled",
    );
    if (existing) return existing;
    const id = crypto.randomBytes(16).toString("base64url").slice(0, 22);
    const registrant: FakeRegistrant = {
      id,
      email: person.email,
      first_name: person.first_name,
      last_name: person.last_name,
      status: "approved",
      create_time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      join_url: `https://us02web.zoom.us/w/${meetingId}?tk=${crypto.randomBytes(24).toString("base64url")}.DQ${id}`,
      occurrence_ids: occurrenceIds,
    };
    meeting.registrants.push(registrant);
    return registrant;
  }

  /** The next requests whose path (and method, if given) matches get these answers, one each, before the real one. */
  failNext(pattern: RegExp, failures: InjectedFailure[], method?: string): void {
    this.failures.push({ pattern, method, remaining: [...failures] });
  }

  /** Every token issued so far is now expired (Zoom answers 401, code 124). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  requestsTo(pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => pattern.test(request.rawPath));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const rawUrl = request.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = Object.fromEntries(new URLSearchParams(queryStart === -1 ? "" : rawUrl.slice(queryStart + 1)));
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: request.method ?? "GET", rawPath, query, status });
      response.writeHead(status, { "content-type": "application/json;charset=UTF-8", ...headers });
      response.end(body === undefined ? "" : JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");

    if (request.method === "POST" && rawPath === "/oauth/token") return this.token(request, query, send);

    if (!rawPath.startsWith("/v2/")) return send(404, { code: 404, message: "Not found" });
    const auth = request.headers.authorization ?? "";
    const bearer = /^Bearer (.+)$/.exec(auth)?.[1];
    const expiresAt = bearer ? this.tokens.get(bearer) : undefined;
    if (!bearer || expiresAt === undefined || expiresAt <= Date.now()) {
      return send(401, { code: 124, message: "Invalid access token." });
    }

    for (const failure of this.failures) {
      if (
        failure.remaining.length > 0 &&
        failure.pattern.test(rawPath) &&
        (!failure.method || failure.method === request.method)
      ) {
        const next = failure.remaining.shift()!;
        const headers: Record<string, string> = next.retryAfter !== undefined ? { "retry-after": next.retryAfter } : {};
        return send(
          next.status,
          next.body ?? {
            code: next.status,
            message:
              next.status === 429
                ? "You have reached the maximum per-second rate limit for this API. Try again later."
                : "Internal error",
          },
          headers,
        );
      }
    }

    let match: RegExpExecArray | null;
    if (
      request.method === "GET" &&
      (match = /^\/v2\/report\/(meetings|webinars)\/([^/]+)\/participants$/.exec(rawPath))
    ) {
      return this.participants(match[1] === "webinars" ? "webinar" : "meeting", match[2], query, send);
    }
    if (request.method === "GET" && (match = /^\/v2\/past_meetings\/([^/]+)\/instances$/.exec(rawPath))) {
      const meetingId = decodeURIComponent(match[1]);
      const meetings = this.instances
        .filter((instance) => instance.meetingId === meetingId)
        .map((instance) => ({ uuid: instance.uuid, start_time: instance.startTime }));
      return send(200, { meetings });
    }
    if (request.method === "GET" && (match = /^\/v2\/meetings\/([^/]+)$/.exec(rawPath))) {
      return this.meeting(decodeURIComponent(match[1]), send);
    }
    if ((match = /^\/v2\/meetings\/(\d+)(\/registrants|\/batch_registrants|\/registrants\/status)$/.exec(rawPath))) {
      const meeting = this.meetings.get(match[1]);
      if (!meeting) return send(404, { code: 3001, message: `Meeting does not exist: ${match[1]}.` });
      let body: Record<string, unknown> = {};
      if (request.method !== "GET") {
        try {
          body = JSON.parse(rawBody || "null") as Record<string, unknown>;
          if (body === null || typeof body !== "object") throw new Error("not an object");
        } catch {
          return send(400, { code: 300, message: "Request Body should be a valid JSON object." });
        }
      }
      const route = `${request.method} ${match[2]}`;
      if (
        !["POST /registrants", "POST /batch_registrants", "GET /registrants", "PUT /registrants/status"].includes(route)
      )
        return send(404, { code: 404, message: "Not found" });
      if ((meeting.approvalType ?? 2) === 2) {
        return send(400, {
          code: 3000,
          message: `Registration has not been enabled for this meeting: ${meeting.meetingId}.`,
        });
      }
      if (route === "POST /registrants") return this.addRegistrant(meeting, body, query, send);
      if (route === "POST /batch_registrants") return this.addBatch(meeting, body, send);
      if (route === "GET /registrants") return this.listRegistrants(meeting, query, send);
      return this.updateStatus(meeting, body, send);
    }
    if (request.method === "GET" && (match = /^\/v2\/marketplace\/apps\/([^/]+)\/webhook_logs$/.exec(rawPath))) {
      return this.logs(decodeURIComponent(match[1]), query, send);
    }
    return send(404, { code: 404, message: "Not found" });
  }

  private token(
    request: http.IncomingMessage,
    query: Record<string, string>,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ) {
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const [id, secret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    if (id !== this.clientId || secret !== this.clientSecret) {
      return send(400, { reason: "Invalid client_id or client_secret", error: "invalid_client" });
    }
    if (query.grant_type !== "account_credentials") {
      return send(400, { reason: "Unsupported grant type", error: "unsupported_grant_type" });
    }
    if (query.account_id !== this.accountId) {
      return send(400, { reason: "Invalid account_id", error: "invalid_request" });
    }
    const token = crypto.randomBytes(24).toString("base64url");
    this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
    this.tokensIssued++;
    send(200, {
      access_token: token,
      token_type: "bearer",
      expires_in: this.tokenTtlSeconds,
      scope: "report:read:admin meeting:read:admin meeting:write:admin marketplace_app:read:admin",
      api_url: this.url,
    });
  }

  /** A page of `items` for a query with page_size / next_page_token, or an error answer. */
  private page<T>(
    scope: string,
    items: T[],
    query: Record<string, string>,
  ): { ok: true; items: T[]; pageSize: number; next: string } | { ok: false; status: number; body: unknown } {
    const requested = query.page_size === undefined ? DEFAULT_PAGE_SIZE : Number(query.page_size);
    if (!Number.isInteger(requested) || requested < 1)
      return { ok: false, status: 400, body: { code: 300, message: "Invalid field: page_size" } };
    const pageSize = Math.min(MAX_PAGE_SIZE, requested);
    let offset = 0;
    if (query.next_page_token) {
      const stored = this.pageTokens.get(query.next_page_token);
      if (!stored || stored.scope !== scope || stored.expiresAt < Date.now()) {
        return { ok: false, status: 400, body: { code: 300, message: "The next page token is invalid or expired." } };
      }
      offset = stored.offset;
    }
    const slice = items.slice(offset, offset + pageSize);
    let next = "";
    if (offset + pageSize < items.length) {
      next = crypto.randomBytes(18).toString("base64url");
      this.pageTokens.set(next, { scope, offset: offset + pageSize, expiresAt: Date.now() + 15 * 60_000 });
    }
    return { ok: true, items: slice, pageSize, next };
  }

  private participants(
    kind: "meeting" | "webinar",
    segment: string,
    query: Record<string, string>,
    send: (status: number, body: unknown) => void,
  ) {
    // What Zoom's gateway sees once the path is decoded: a single-encoded "/" at the start or a
    // "//" splits the path and the meeting is not found; a double-encoded one decodes again.
    let id = decodeURIComponent(segment);
    if (id.startsWith("/") || id.includes("//")) return send(404, { code: 3001, message: "Meeting does not exist." });
    if (id.includes("%")) id = decodeURIComponent(id);
    const ofKind = this.instances.filter((candidate) => (candidate.kind ?? "meeting") === kind);
    const instance = /^\d+$/.test(id)
      ? ofKind
          .filter((candidate) => candidate.meetingId === id)
          .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime))[0]
      : ofKind.find((candidate) => candidate.uuid === id);
    if (!instance) return send(404, { code: 3001, message: `Meeting does not exist: ${id}.` });
    const withRegistrant = (query.include_fields ?? "")
      .split(",")
      .map((field) => field.trim())
      .includes("registrant_id");
    const rows = instance.participants.map((row) => {
      if (withRegistrant) return row;
      const { registrant_id: _registrantId, ...rest } = row;
      return rest;
    });
    const page = this.page(`participants:${instance.uuid}`, rows, query);
    if (!page.ok) return send(page.status, page.body);
    send(200, {
      page_count: Math.max(1, Math.ceil(rows.length / page.pageSize)),
      page_size: page.pageSize,
      total_records: rows.length,
      next_page_token: page.next,
      participants: page.items,
    });
  }

  private static person(value: unknown): { email: string; first_name: string; last_name?: string } | string {
    const person = (value ?? {}) as Record<string, unknown>;
    if (typeof person.email !== "string" || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(person.email))
      return "Invalid field: email";
    if (typeof person.first_name !== "string" || person.first_name.trim() === "") return "Invalid field: first_name";
    return {
      email: person.email,
      first_name: person.first_name,
      last_name: typeof person.last_name === "string" ? person.last_name : undefined,
    };
  }

  private addRegistrant(
    meeting: StoredMeeting,
    body: Record<string, unknown>,
    query: Record<string, string>,
    send: (status: number, body: unknown) => void,
  ) {
    const person = FakeZoom.person(body);
    if (typeof person === "string") return send(400, { code: 300, message: person });
    const occurrenceIds = (query.occurrence_ids ?? "")
      .split(",")
      .map((id) => id.trim())
      .filter((id) => id !== "");
    const known = new Set((meeting.occurrences ?? []).map((occurrence) => occurrence.occurrence_id));
    const unknown = occurrenceIds.find((id) => !known.has(id));
    if (unknown) return send(400, { code: 3000, message: `Invalid occurrence_ids: ${unknown}.` });
    if ((meeting.registrationType ?? 1) !== 1 && meeting.occurrences && occurrenceIds.length === 0) {
      return send(400, { code: 3000, message: "Please select at least one occurrence to register for." });
    }
    const registrant = this.registerDirectly(meeting.meetingId, person, occurrenceIds);
    send(201, {
      id: Number(meeting.meetingId),
      registrant_id: registrant.id,
      join_url: registrant.join_url,
      topic: meeting.topic ?? "Class",
      start_time: meeting.startTime ?? new Date().toISOString(),
      ...(occurrenceIds.length > 0
        ? {
            occurrences: (meeting.occurrences ?? []).filter((occurrence) =>
              occurrenceIds.includes(occurrence.occurrence_id),
            ),
          }
        : {}),
    });
  }

  private addBatch(
    meeting: StoredMeeting,
    body: Record<string, unknown>,
    send: (status: number, body: unknown) => void,
  ) {
    if ((meeting.approvalType ?? 2) !== 0)
      return send(400, {
        code: 3000,
        message: "Batch registration is only available for meetings with automatic approval.",
      });
    const registrants = body.registrants;
    if (!Array.isArray(registrants) || registrants.length === 0)
      return send(400, { code: 300, message: "Invalid field: registrants" });
    if (registrants.length > 30)
      return send(400, { code: 300, message: "The number of registrants can not exceed 30." });
    const people = registrants.map((entry) => FakeZoom.person(entry));
    const invalid = people.find((person) => typeof person === "string");
    if (invalid) return send(400, { code: 300, message: invalid as string });
    send(201, {
      registrants: (people as { email: string; first_name: string; last_name?: string }[]).map((person) => {
        const registrant = this.registerDirectly(meeting.meetingId, person);
        return {
          email: registrant.email,
          registrant_id: registrant.id,
          join_url: registrant.join_url,
          participant_pin_code: 100000 + meeting.registrants.indexOf(registrant),
        };
      }),
    });
  }

  private listRegistrants(
    meeting: StoredMeeting,
    query: Record<string, string>,
    send: (status: number, body: unknown) => void,
  ) {
    const status = query.status ?? "approved";
    if (!["approved", "pending", "denied"].includes(status))
      return send(400, { code: 300, message: "Invalid field: status" });
    const selected = meeting.registrants
      .filter((registrant) => registrant.status === status)
      .map(({ id, email, first_name, last_name, status: state, create_time, join_url }) => ({
        id,
        email,
        first_name,
        last_name,
        status: state,
        create_time,
        join_url,
      }));
    const page = this.page(`registrants:${meeting.meetingId}:${status}`, selected, query);
    if (!page.ok) return send(page.status, page.body);
    send(200, {
      page_count: Math.max(1, Math.ceil(selected.length / page.pageSize)),
      page_size: page.pageSize,
      total_records: selected.length,
      next_page_token: page.next,
      registrants: page.items,
    });
  }

  private updateStatus(
    meeting: StoredMeeting,
    body: Record<string, unknown>,
    send: (status: number, body: unknown) => void,
  ) {
    const action = body.action;
    const next =
      action === "approve" ? "approved" : action === "deny" ? "denied" : action === "cancel" ? "cancelled" : null;
    if (!next) return send(400, { code: 300, message: "Invalid field: action" });
    const list = Array.isArray(body.registrants) ? (body.registrants as { id?: unknown; email?: unknown }[]) : [];
    if (list.length === 0 || list.length > 30) return send(400, { code: 300, message: "Invalid field: registrants" });
    for (const entry of list) {
      const registrant = meeting.registrants.find(
        (candidate) =>
          candidate.id === entry.id &&
          (typeof entry.email !== "string" || candidate.email.toLowerCase() === entry.email.toLowerCase()),
      );
      if (!registrant) return send(404, { code: 3003, message: `Registrant does not exist: ${String(entry.id)}.` });
    }
    for (const entry of list) meeting.registrants.find((candidate) => candidate.id === entry.id)!.status = next;
    send(204, undefined);
  }

  private meeting(meetingId: string, send: (status: number, body: unknown) => void) {
    const meeting = this.meetings.get(meetingId.replace(/\s+/g, ""));
    if (!meeting) return send(404, { code: 3001, message: "Meeting does not exist: " + meetingId + "." });
    const body: ZoomMeeting = {
      id: Number(meeting.meetingId),
      uuid: crypto.createHash("sha256").update(meeting.meetingId).digest("base64").slice(0, 22) + "==",
      host_id: crypto
        .createHash("sha256")
        .update(meeting.hostEmail ?? DEFAULT_HOST_EMAIL)
        .digest("base64url")
        .slice(0, 22),
      host_email: meeting.hostEmail ?? DEFAULT_HOST_EMAIL,
      topic: meeting.topic ?? "Class",
      type: meeting.type ?? 8,
      start_time: meeting.startTime ?? "2026-12-07T17:00:00Z",
      duration: meeting.duration ?? 60,
      timezone: "UTC",
      join_url: `https://zoom.us/j/${meeting.meetingId}`,
      ...(meeting.occurrences
        ? {
            occurrences: meeting.occurrences.map((occurrence) => ({
              duration: meeting.duration ?? 60,
              status: "available",
              ...occurrence,
            })),
          }
        : {}),
      settings: {
        approval_type: meeting.approvalType ?? 2,
        ...(meeting.registrationType !== undefined ? { registration_type: meeting.registrationType } : {}),
        host_video: false,
        waiting_room: false,
      },
    };
    send(200, body);
  }

  private logs(appId: string, query: Record<string, string>, send: (status: number, body: unknown) => void) {
    const logs = this.webhookLogs.get(appId);
    if (!logs) return send(404, { code: 1401, message: `APP ID does not exist: ${appId}.` });
    const now = Date.now();
    if (
      (query.from !== undefined && !ZOOM_DATE.test(query.from)) ||
      (query.to !== undefined && !ZOOM_DATE.test(query.to))
    ) {
      return send(404, { code: 1503, message: "The dates must follow the format: yyyy-MM-dd'T'HH:mm:ss'Z'" });
    }
    const from = query.from ? Date.parse(query.from) : now - 24 * 3600_000;
    const to = query.to ? Date.parse(query.to) : now;
    if (to <= from) return send(404, { code: 1501, message: "The 'to' date must be after the 'from' date." });
    if (from < now - 7 * 24 * 3600_000 - 60_000)
      return send(404, { code: 1502, message: "The date range must be within the last seven days." });
    const type = query.type === undefined ? 2 : Number(query.type);
    const failed = (log: ZoomWebhookLog) => log.status === undefined || log.status < 200 || log.status >= 300;
    const selected = logs.filter((log) => {
      const at = Date.parse(log.date_time ?? "");
      if (Number.isNaN(at) || at < from || at > to) return false;
      if (type === 2) return failed(log);
      if (type === 3) return !failed(log);
      return true;
    });
    const page = this.page(`logs:${appId}:${query.from}:${query.to}:${type}`, selected, query);
    if (!page.ok) return send(page.status, page.body);
    send(200, { next_page_token: page.next, page_size: page.pageSize, webhook_logs: page.items });
  }
}
