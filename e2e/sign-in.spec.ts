import { expect, test } from "@playwright/test";
import { DEMO_COURSE_NAME } from "../lib/demo/seed";
import { TEST_USERS as DEMO_USERS } from "../test/helpers/env";

test("an instructor signs in and sees the demo course", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(DEMO_USERS.instructor.email);
  await page.getByLabel("Password").fill(DEMO_USERS.instructor.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Courses" })).toBeVisible();
  await expect(page.getByRole("link", { name: new RegExp(DEMO_COURSE_NAME.replace(/[()]/g, "\\$&")) })).toBeVisible();
  await expect(page.getByText("Chemistry 200")).toHaveCount(0);
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(DEMO_USERS.instructor.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Next's route announcer is an (empty) role="alert" too.
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
});
