// A password change ends the user's other sessions at once; the browser that made the change stays
// signed in. An admin's reset from the users page does the same, and admins create limited tokens.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createInstructor, signedInContext, uniqueSuffix } from "./support";

async function signInFresh(browser: Browser, email: string, password: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();
  return page;
}

test("changing your password signs out your other browser; this one stays signed in", async ({ browser }) => {
  const user = createInstructor("Paula Password");
  const laptop = await signInFresh(browser, user.email, user.password);
  const phone = await signInFresh(browser, user.email, user.password);

  await laptop.getByRole("link", { name: "Change password" }).click();
  await expect(laptop.getByRole("heading", { name: "Change password", level: 1 })).toBeVisible();
  // The rules are checked first, and nothing changes on a mistake.
  await laptop.getByRole("textbox", { name: "Current password", exact: true }).fill(user.password);
  await laptop.getByRole("textbox", { name: "New password", exact: true }).fill("short");
  await laptop.getByRole("textbox", { name: "New password again", exact: true }).fill("short");
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(laptop.getByText("password must be at least 10 characters")).toBeVisible();
  await laptop.getByRole("textbox", { name: "Current password", exact: true }).fill("not my password");
  await laptop.getByRole("textbox", { name: "New password", exact: true }).fill("a-much-better-password");
  await laptop.getByRole("textbox", { name: "New password again", exact: true }).fill("a-much-better-password");
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(laptop.getByText("that is not your current password")).toBeVisible();
  await phone.reload();
  await expect(phone.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();

  await laptop.getByRole("textbox", { name: "Current password", exact: true }).fill(user.password);
  await laptop.getByRole("textbox", { name: "New password", exact: true }).fill("a-much-better-password");
  await laptop.getByRole("textbox", { name: "New password again", exact: true }).fill("a-much-better-password");
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(
    laptop.getByRole("status").filter({ hasText: "Password changed. Your other sessions are signed out." }),
  ).toBeVisible();
  await laptop.screenshot({ path: "test-results/change-password.png", fullPage: true });

  // The other browser's next navigation goes to the sign-in page...
  await phone.getByRole("link", { name: "Courses" }).click();
  await expect(phone).toHaveURL(/\/login/);
  await phone.goto("/");
  await expect(phone).toHaveURL(/\/login/);
  // ...while the browser that made the change is still signed in.
  await laptop.goto("/");
  await expect(laptop.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();

  // The old password no longer works; the new one does.
  await phone.getByLabel("Email").fill(user.email);
  await phone.getByLabel("Password").fill(user.password);
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await phone.getByLabel("Password").fill("a-much-better-password");
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();
  await laptop.context().close();
  await phone.context().close();
});

test("an admin resets a password from the users page: the user's open session ends", async ({ browser }) => {
  const user = createInstructor("Reset Rita");
  const rita = await signInFresh(browser, user.email, user.password);
  const context = await signedInContext(browser, "admin");
  const admin = await context.newPage();
  await admin.goto("/admin/users");
  const row = admin.locator(`tr[data-user="${user.email}"]`);
  await row.getByText("Reset password").click();
  await row.getByRole("button", { name: "Set password" }).click();
  const generated = await row.getByTestId("reset-password").textContent();
  expect(generated).toMatch(/^\S{16}$/);
  await admin.screenshot({ path: "test-results/admin-reset-password.png", fullPage: true });

  await rita.reload();
  await expect(rita).toHaveURL(/\/login/);
  await rita.getByLabel("Email").fill(user.email);
  await rita.getByLabel("Password").fill(generated!);
  await rita.getByRole("button", { name: "Sign in" }).click();
  await expect(rita.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();
  await rita.context().close();

  // Limited tokens from the admin page: the list shows their scope and expiry.
  await admin.goto("/admin/tokens");
  const tokenName = `read-only export ${uniqueSuffix()}`;
  await admin.getByLabel("Name").fill(tokenName);
  await admin.getByLabel("Access").selectOption("read-only");
  await admin.getByLabel("Expires in").fill("ninety days");
  await admin.getByRole("button", { name: "Create token" }).click();
  await expect(admin.getByText("use days or hours, e.g. 90d or 12h")).toBeVisible();
  await admin.getByLabel("Expires in").fill("30d");
  await admin.getByRole("button", { name: "Create token" }).click();
  await expect(admin.getByTestId("new-token")).toHaveText(/^rc_/);
  const token = admin.locator(`tr[data-token="${tokenName}"]`);
  await expect(token.locator('[data-column="scope"]')).toHaveText("Read-only");
  const expected = new Date(Date.now() + 30 * 24 * 3_600_000).toISOString().slice(0, 10);
  await expect(token.locator('[data-column="expires"]')).toContainText(expected);
  await expect(token.locator('[data-column="last-used"]')).toHaveText("Never");
  await admin.screenshot({ path: "test-results/admin-tokens.png", fullPage: true });
  await context.close();
});
