import { expect, test } from "@playwright/test";
import { signedInContext, uniqueSuffix } from "./support";

test("admins create, demote and disable users, and create and revoke API tokens", async ({ browser }) => {
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  const email = `e2e.${uniqueSuffix()}@school.example.edu`;

  await page.goto("/admin/users");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Erin Example");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Create user" }).click();
  // No password typed: one is generated and shown once.
  await expect(page.getByTestId("generated-password")).toHaveText(/^\S{12,}$/);
  const user = page.locator(`tr[data-user="${email}"]`);
  await expect(user).toContainText("All (admin)");
  await user.getByLabel("Role of Erin Example", { exact: true }).selectOption("instructor");
  await user.getByRole("button", { name: "Save role of Erin Example" }).click();
  await expect(user).toContainText("None");
  await user.getByRole("button", { name: "Disable Erin Example" }).click();
  await expect(user).toContainText("Disabled");
  await user.getByRole("button", { name: "Enable Erin Example" }).click();
  await expect(user).toContainText("Active");
  // An admin cannot lock themselves out.
  await expect(page.getByRole("button", { name: "Disable Ada Admin" })).toBeDisabled();

  await page.goto("/admin/tokens");
  const tokenName = `nightly export ${uniqueSuffix()}`;
  await page.getByLabel("Name").fill(tokenName);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = await page.getByTestId("new-token").textContent();
  expect(secret).toMatch(/^rc_/);
  const token = page.locator(`tr[data-token="${tokenName}"]`);
  await expect(token).toContainText(secret!.slice(0, 10));
  await expect(token).toContainText("Active");
  // Shown once: a fresh visit lists the token without its secret.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await expect(page.getByText(secret!)).toHaveCount(0);
  await token.getByRole("button", { name: "Revoke" }).click();
  await token.getByRole("button", { name: `Revoke ${tokenName}` }).click();
  await expect(token).toContainText("Revoked");
  await context.close();
});
