// Smaller trust holes (docs/SECURITY.md) through a real production server of its own, configured
// as a school would run it: an https APP_URL (so cookies are Secure and answers carry
// Strict-Transport-Security) and Zoom API credentials pointing at the faithful fake Zoom. Join
// links must be http(s); a manual reconcile has a 5-minute cooldown per session.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { baseUrl, postWebhook, startServer, type RunningServer } from "../helpers/server";
import { participantJoined, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";
import { FakeZoom } from "../helpers/fake-zoom";
import { TEST_AUTH_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/env";
import { parseConfig } from "../../lib/config";

const APP_URL = "https://rollcall.school.example";
const fake = new FakeZoom();
let server: RunningServer;
let prisma: typeof import("../../lib/db").prisma;
let adminToken: string;
let courseId: string;

beforeAll(async () => {
  await fake.start();
  // In this process too (the panel is rendered here): Report API on, through the fake.
  Object.assign(process.env, fake.env(), {
    ZOOM_WEBHOOK_SECRET_TOKEN: TEST_WEBHOOK_SECRET,
    AUTH_SECRET: TEST_AUTH_SECRET,
  });
  const databaseUrl = await useFreshDatabase("trust_http");
  ({ prisma } = await import("../../lib/db"));
  const { createApiToken } = await import("../../lib/services/tokens");
  const admin = await prisma.user.create({
    data: {
      email: `trust-admin-${crypto.randomBytes(3).toString("hex")}@school.example`,
      name: "Admin",
      role: "admin",
    },
  });
  adminToken = (await createApiToken(admin.id, "trust test")).token;
  courseId = (await prisma.course.create({ data: { name: "Trust 101", timezone: "UTC" } })).id;
  server = await startServer({ databaseUrl, env: { ...fake.env(), APP_URL, ALLOW_INSECURE_HTTP: "0", WORKER: "off" } });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await fake.stop();
  await prisma?.$disconnect();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });

describe("served over https", () => {
  it("production refuses an http APP_URL unless ALLOW_INSECURE_HTTP=1, with a clear message", () => {
    const base = { NODE_ENV: "production", ZOOM_WEBHOOK_SECRET_TOKEN: "x", AUTH_SECRET: "a".repeat(32) };
    expect(() => parseConfig({ ...base, APP_URL: "http://rollcall.school.example" })).toThrow(
      /APP_URL must be an https:\/\/ URL in production .*set ALLOW_INSECURE_HTTP=1/,
    );
    expect(() => parseConfig(base)).toThrow(/APP_URL must be an https:\/\/ URL in production \(got nothing\)/);
    expect(
      parseConfig({ ...base, APP_URL: "http://rollcall.school.example", ALLOW_INSECURE_HTTP: "1" }).servedOverHttps,
    ).toBe(false);
    expect(parseConfig({ ...base, APP_URL }).servedOverHttps).toBe(true);
    expect(() => parseConfig({ ...base, APP_URL, ALLOW_INSECURE_HTTP: "yes" })).toThrow(
      /ALLOW_INSECURE_HTTP must be 1/,
    );
    // Development keeps its http://localhost default.
    expect(parseConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: "x", AUTH_SECRET: "a".repeat(32) }).appUrl).toBe(
      "http://localhost:3000",
    );
  });

  it("pages and the webhook answer with Strict-Transport-Security, and sign-in cookies are Secure", async () => {
    const page = await fetch(`${server.url}/login`);
    expect(page.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    const webhook = await postWebhook(
      server.url,
      participantJoined({
        uuid: uniqueUuid(),
        meetingId: uniqueMeetingId(),
        userId: "1",
        name: "Ana",
        joinTime: new Date(),
      }),
    );
    expect(webhook.status).toBe(200);
    expect(webhook.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const cookies = csrf.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^__(Host|Secure)-/);
      expect(cookie).toMatch(/;\s*Secure/i);
    }
    // The plain-http test server (ALLOW_INSECURE_HTTP=1) sends no HSTS: it would lock browsers out.
    expect((await fetch(`${baseUrl()}/login`)).headers.get("strict-transport-security")).toBeNull();
  });
});

describe("join links", () => {
  it("are http(s) only: javascript:, data: and the like answer 422 naming the field", async () => {
    for (const joinUrl of [
      "javascript:alert(document.cookie)",
      "JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "ftp://zoom.us/j/1",
      "zoom.us/j/1",
    ]) {
      const response = await api(`/api/v1/courses/${courseId}/sessions`, {
        method: "POST",
        body: JSON.stringify({
          zoomMeetingId: uniqueMeetingId(),
          startsAt: "2026-12-01T15:00:00Z",
          durationMinutes: 60,
          joinUrl,
        }),
      });
      expect(response.status, joinUrl).toBe(422);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.message).toContain("joinUrl");
      expect(body.error.message).toContain("must be an http:// or https:// URL");
    }
    const ok = await api(`/api/v1/courses/${courseId}/sessions`, {
      method: "POST",
      // With Zoom credentials a new session's host is checked with Zoom (ADR 010); this fake knows
      // no meeting, so the admin skips that check: this test is about the join link.
      body: JSON.stringify({
        zoomMeetingId: uniqueMeetingId(),
        startsAt: "2026-12-01T15:00:00Z",
        durationMinutes: 60,
        joinUrl: "https://zoom.us/j/97711976001?pwd=x",
        skipHostCheck: true,
      }),
    });
    expect(ok.status).toBe(201);
  });

  it("the session form refuses them too, with the message next to the field", async () => {
    const { parseSessionForm } = await import("../../app/(dashboard)/_lib/forms");
    const form = (joinUrl: string) => {
      const data = new FormData();
      for (const [name, value] of Object.entries({
        zoomMeetingId: "97711976001",
        startsAtLocal: "2026-12-01T09:00",
        durationMinutes: "60",
        lateAfterMinutes: "5",
        requiredPercent: "90",
        joinUrl,
      })) {
        data.set(name, value);
      }
      return parseSessionForm(data, "UTC");
    };
    const refused = form("javascript:alert(1)");
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.state.fieldErrors?.joinUrl).toBe("must be an http:// or https:// URL");
    expect(form("https://zoom.us/j/97711976001").ok).toBe(true);
  });
});

describe("Reconcile now", () => {
  it("is allowed once per session every 5 minutes: 202, then 429 with Retry-After and a code", async () => {
    const session = await prisma.session.create({
      data: {
        courseId,
        zoomMeetingId: uniqueMeetingId(),
        startsAt: new Date(Date.now() - 5 * 3600_000),
        durationMinutes: 60,
      },
    });
    const other = await prisma.session.create({
      data: {
        courseId,
        zoomMeetingId: uniqueMeetingId(),
        startsAt: new Date(Date.now() - 5 * 3600_000),
        durationMinutes: 60,
      },
    });
    const first = await api(`/api/v1/sessions/${session.id}/reconcile`, { method: "POST" });
    expect(first.status).toBe(202);
    const second = await api(`/api/v1/sessions/${session.id}/reconcile`, { method: "POST" });
    expect(second.status).toBe(429);
    const retryAfter = Number(second.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(280);
    expect(retryAfter).toBeLessThanOrEqual(300);
    const body = (await second.json()) as { error: { code: string; message: string; availableAt: string } };
    expect(body.error.code).toBe("reconcile_cooldown");
    expect(body.error.message).toMatch(/less than 5 minutes ago; try again at /);
    expect(new Date(body.error.availableAt).getTime()).toBeGreaterThan(Date.now() + 280_000);
    // Another session is not held up.
    expect((await api(`/api/v1/sessions/${other.id}/reconcile`, { method: "POST" })).status).toBe(202);
    // Once the 5 minutes are over (moved back in the database), it is allowed again.
    await prisma.rateLimit.update({
      where: { key: `reconcile:manual:${session.id}` },
      data: { windowStart: new Date(Date.now() - 301_000) },
    });
    expect((await api(`/api/v1/sessions/${session.id}/reconcile`, { method: "POST" })).status).toBe(202);
  });

  it("the session page's button says when it can be used again", async () => {
    const session = await prisma.session.create({
      data: {
        courseId,
        zoomMeetingId: uniqueMeetingId(),
        startsAt: new Date(Date.now() - 5 * 3600_000),
        durationMinutes: 60,
      },
    });
    const { ReconciliationPanel } = await import("../../components/reconciliation-panel");
    const { renderToStaticMarkup } = await import("react-dom/server");
    const before = renderToStaticMarkup(
      await ReconciliationPanel({ sessionId: session.id, reconcileNow: async () => {} }),
    );
    expect(before).toContain("Reconcile now");
    expect(before).not.toContain("Available again at");
    expect((await api(`/api/v1/sessions/${session.id}/reconcile`, { method: "POST" })).status).toBe(202);
    const after = renderToStaticMarkup(
      await ReconciliationPanel({ sessionId: session.id, reconcileNow: async () => {} }),
    );
    expect(after).toMatch(/Available again at <time dateTime="[^"]+">[^<]+<\/time> \(once every 5 minutes\)/);
    expect(after).toMatch(/<button type="button" disabled=""/);
  });
});
