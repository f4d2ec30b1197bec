import { expect, test } from "@playwright/test";
import { DEMO_COURSE_NAME } from "../lib/demo/seed";
import { TEST_USERS as DEMO_USERS } from "../test/helpers/env";
import { SIGN_IN_POLICY } from "../lib/sign-in-throttle";
import { createInstructor } from "./support";

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

test("after repeated wrong passwords the form says how long to wait, and the right password works once the wait is over", async ({
  page,
}) => {
  const user = createInstructor("Wendy Wait");
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  for (let failure = 0; failure <= SIGN_IN_POLICY.pair.free; failure += 1) {
    await page.getByLabel("Password").fill(`wrong-${failure}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  }
  // The next try, even with the right password, is not checked: the form says how long to wait.
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const wait = page
    .getByRole("alert")
    .filter({ hasText: /Too many failed sign-ins from your address\. Try again in \d+ seconds?\./ });
  await expect(wait).toBeVisible();
  const seconds = Number(/in (\d+) second/.exec((await wait.textContent()) ?? "")?.[1]);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(SIGN_IN_POLICY.pair.baseMs / 1000);
  await page.waitForTimeout(seconds * 1000 + 300);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();
});
