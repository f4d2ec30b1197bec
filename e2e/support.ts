// Shared pieces of the browser tests: signing in once per user (sign-in is rate limited per
// email), unique names, and posting signed webhooks to the real endpoint of the test server.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { TEST_USERS as DEMO_USERS } from "../test/helpers/env";
import { postWebhook } from "../test/helpers/server";

export type DemoUser = keyof typeof DEMO_USERS;

export function serverUrl(): string {
  const url = process.env.TEST_BASE_URL;
  if (!url) throw new Error("TEST_BASE_URL is not set: run the browser tests with `npm test -- --only e2e`");
  return url;
}

/** Fills the sign-in form and waits for the course list. */
export async function signIn(page: Page, who: DemoUser): Promise<void> {
  const user = DEMO_USERS[who];
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();
}

// One sign-in per user and test server, shared by every spec file of the run.
const stateDir = path.join(
  os.tmpdir(),
  `rollcall-e2e-${crypto.createHash("sha1").update(serverUrl()).update(String(process.env.TEST_SERVER_DATABASE_URL)).digest("hex").slice(0, 12)}`,
);

export async function signedInContext(browser: Browser, who: DemoUser): Promise<BrowserContext> {
  const file = path.join(stateDir, `${who}.json`);
  if (fs.existsSync(file)) return browser.newContext({ storageState: file });
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, who);
  await page.close();
  fs.mkdirSync(stateDir, { recursive: true });
  await context.storageState({ path: file });
  return context;
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${crypto.randomBytes(2).toString("hex")}`;
}

// ---------------------------------------------------------------------------------------------
// Zoom webhooks (bodies from test/helpers/zoom.ts)

/** Posts a body signed like Zoom signs it; each call has its own tracking ID, as Zoom's retries do. */
export async function deliver(body: unknown): Promise<void> {
  const response = await postWebhook(serverUrl(), body);
  expect(response.status, await response.clone().text()).toBe(200);
}

export const minutesAfter = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000);

/** An instructor of the test's own, made with the real CLI (the demo users' saved sign-ins are shared). */
export function createInstructor(name: string): { email: string; password: string } {
  const email = `e2e.pw.${uniqueSuffix()}@school.example.edu`;
  const password = `first-${uniqueSuffix()}`;
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/cli.ts",
      "user",
      "create",
      "--email",
      email,
      "--name",
      name,
      "--role",
      "instructor",
      "--password",
      password,
    ],
    {
      env: { ...process.env, DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return { email, password };
}
