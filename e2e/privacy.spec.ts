import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { signedInContext, uniqueSuffix } from "./support";

test("an admin sees what is stored about a student, downloads it, and erases the student after typing ERASE", async ({
  browser,
}) => {
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  const name = `E2E Privacy ${uniqueSuffix()}`;
  const email = `erase.me.${uniqueSuffix()}@example.edu`;

  await page.goto("/courses/new");
  await page.getByLabel("Course name").fill(name);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await page.getByRole("textbox", { name: "Name" }).fill("Erin Erasable");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByRole("button", { name: "Add student" }).click();
  await page.getByRole("link", { name: "Erin Erasable", exact: true }).click();

  await page.getByRole("link", { name: "Stored data: export or erase" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Data stored about Erin Erasable" })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download all data (JSON)" }).click();
  const file = JSON.parse(fs.readFileSync(await (await download).path(), "utf8"));
  expect(file).toMatchObject({ format: "rollcall.student-export.v1", student: { name: "Erin Erasable", email } });

  // A wrong word erases nothing.
  await page.getByRole("button", { name: "Erase Erin Erasable…" }).click();
  await page.getByLabel("Type ERASE to confirm").fill("yes");
  await page.getByRole("button", { name: "Erase permanently" }).click();
  await expect(page.getByText("Type ERASE to confirm: erasure cannot be undone.")).toBeVisible();

  await page.getByLabel("Type ERASE to confirm").fill("ERASE");
  await page.getByRole("button", { name: "Erase permanently" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("The student was erased");
  await expect(page.getByText("Erin Erasable")).toHaveCount(0);
  await expect(page.getByText(email)).toHaveCount(0);
});
