// Shared set-up for the API tests: they run against the shared test server (TEST_BASE_URL) and
// create their own users, tokens and courses in its database with unique names, so that they
// never depend on, or disturb, what other test files do there.
import crypto from "node:crypto";
import { prisma } from "../../lib/db";
import { createUser } from "../../lib/services/users";
import { createApiToken } from "../../lib/services/tokens";
import { classScenario, type SimulatedParticipant } from "../../lib/simulator/scenario";
import { baseUrl, credentialsSignIn, postWebhook, randomClientAddress, waitFor } from "./server";

/** Points lib/db at the server's database; call before the first query. */
export function connectToServerDatabase(): void {
  const url = process.env.TEST_SERVER_DATABASE_URL;
  if (!url) throw new Error("TEST_SERVER_DATABASE_URL is not set: run the tests with `npm test`");
  process.env.DATABASE_URL = url;
}

export const unique = (label: string) => `${label}-${crypto.randomBytes(4).toString("hex")}`;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  tokenId: string;
}

export async function createUserWithToken(role: "admin" | "instructor", label: string): Promise<TestUser> {
  const email = `${unique(label)}@api-tests.rollcall.test`;
  const password = `pw-${crypto.randomBytes(8).toString("hex")}`;
  const user = await createUser({ email, name: `${label} (API tests)`, role, password });
  const token = await createApiToken(user.id, `${label} token`);
  return { id: user.id, email, password, token: token.token, tokenId: token.id };
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** the parsed body when it is JSON, else undefined */
  json: unknown;
}

/** Calls the API; `body` objects are sent as JSON, strings as-is with `contentType`. */
export async function call(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] = options.contentType ?? "application/json";
  }
  const response = await fetch(`${baseUrl()}${path}`, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  let json: unknown;
  if ((response.headers.get("content-type") ?? "").includes("json")) json = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, json };
}

/** Asserting helper: the JSON error code of an answer, e.g. "not_found". */
export function errorCode(answer: ApiAnswer): string | undefined {
  return (answer.json as { error?: { code?: string } } | undefined)?.error?.code;
}

export function randomMeetingId(): string {
  return String(80_000_000_000 + crypto.randomInt(0, 9_999_999_999));
}

/**
 * Plays a class to the server as Zoom would (signed webhooks) and waits until the worker has
 * computed attendance from them. See lib/simulator/scenario.ts for who does what.
 */
export async function playClass(options: {
  sessionId: string;
  meetingId: string;
  startsAt: Date;
  durationMinutes: number;
  participants: SimulatedParticipant[];
}) {
  const deliveries = classScenario({
    meetingId: options.meetingId,
    startsAt: options.startsAt,
    durationMinutes: options.durationMinutes,
    participants: options.participants,
  });
  for (const delivery of deliveries) {
    const response = await postWebhook(baseUrl(), delivery.body);
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  }
  // Zoom's redelivery of a leave is one event: count the distinct bodies.
  const distinctEvents = new Set(deliveries.map((delivery) => JSON.stringify(delivery.body))).size;
  await waitFor(
    async () => {
      const session = await prisma.session.findUnique({
        where: { id: options.sessionId },
        select: { computedEvents: true },
      });
      // the last recompute saw every event of the class
      return session && session.computedEvents >= distinctEvents ? session : null;
    },
    60_000,
    "attendance to be computed",
  );
}

/** Signs in through next-auth's credentials flow, as the browser does; returns the Cookie header. */
export async function signIn(email: string, password: string): Promise<string> {
  const setCookies = await credentialsSignIn(baseUrl(), email, password, randomClientAddress());
  const sessionCookie = setCookies
    .map((cookie) => cookie.split(";")[0])
    .find((cookie) => cookie.includes("session-token="));
  if (!sessionCookie) throw new Error(`sign-in failed for ${email}: no session cookie came back`);
  return sessionCookie;
}
