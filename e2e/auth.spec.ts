import { expect, test } from "@playwright/test";
import { TEST_USERS as DEMO_USERS } from "../test/helpers/env";

test("sign in with email and password, then sign out", async ({ page }) => {
  // Signed out, every dashboard page leads to the sign-in form.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel("Email").fill(DEMO_USERS.instructor.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // (Next's route announcer is an empty role="alert" too.)
  await expect(page.getByRole("alert").filter({ hasText: "do not match an active account" })).toBeVisible();

  await page.getByLabel("Password").fill(DEMO_USERS.instructor.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText(DEMO_USERS.instructor.name);
  // An instructor sees their course and not the other instructor's, nor the admin pages.
  await expect(page.getByRole("link", { name: /Data Science 101 \(demo\)/ }).first()).toBeVisible();
  await expect(page.getByText("Chemistry 200 (demo)")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  // The live roster's JSON answers 401 without a session, rather than redirecting.
  const response = await page.request.get("/api/sessions/anything/live");
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
});
