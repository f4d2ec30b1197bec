import { expect, test } from "@playwright/test";
import { signedInContext, uniqueSuffix } from "./support";

test("create a course and import its roster with a preview, per-row errors and upsert by email", async ({
  browser,
}) => {
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  const name = `E2E Roster ${uniqueSuffix()}`;

  await page.goto("/");
  await page.getByRole("link", { name: "New course" }).click();
  // Validation errors are shown next to the field.
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByText("name is required")).toBeVisible();
  await page.getByLabel("Course name").fill(name);
  await page.getByLabel("Time zone").selectOption("Europe/Lisbon");
  await page.getByLabel("Tomás Teacher").check();
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("Taught by Tomás Teacher")).toBeVisible();
  await expect(page.getByText("The roster is empty.")).toBeVisible();
  await expect(page.getByText("No sessions yet.")).toBeVisible();
  const courseUrl = page.url();

  // Paste: two good rows, a bad email, and a repeated email.
  await page.getByRole("link", { name: "Import CSV" }).click();
  await page
    .getByLabel("Roster CSV")
    .fill(
      [
        "name,email,zoom_registrant_id",
        "Ana Lima,ana.lima@example.edu,reg-ana",
        "Ben Okafor,not-an-email,",
        "Chen Wei,CHEN.WEI@example.edu,",
        "Chen Again,chen.wei@example.edu,",
      ].join("\n"),
    );
  await expect(page.getByRole("button", { name: /^Import/ })).toBeDisabled();
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Import preview table" });
  await expect(page.getByRole("heading", { name: "Rows with problems (2)" })).toBeVisible();
  await expect(page.getByText("Row 3:")).toBeVisible();
  await expect(page.getByText("email must be an email address")).toBeVisible();
  await expect(page.getByText("already appears on row 4")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Preview: 2 new, 0 updated" })).toBeVisible();
  await expect(preview.getByRole("row")).toHaveCount(3);
  await page.getByRole("button", { name: "Import 2 students" }).click();
  await expect(page.getByRole("status")).toContainText("Imported: 2 added, 0 updated. 2 rows were skipped.");

  // Upload a file: an existing email (different case) updates that student, a new one is added.
  await page.getByLabel("CSV file").setInputFiles({
    name: "roster.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("name,email\nAna Lima-Souza,ANA.LIMA@example.edu\nDana Fischer,dana@example.edu\n"),
  });
  await expect(page.getByLabel("Roster CSV")).toHaveValue(/Dana Fischer/);
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("heading", { name: "Preview: 1 new, 1 updated" })).toBeVisible();
  await page.getByRole("button", { name: "Import 2 students" }).click();
  await expect(page.getByRole("status")).toContainText("Imported: 1 added, 1 updated.");

  await page.goto(courseUrl);
  const roster = page.getByRole("region", { name: "Roster table" });
  await expect(page.getByRole("heading", { name: "Roster (3)" })).toBeVisible();
  await expect(roster.getByRole("link", { name: "Ana Lima-Souza", exact: true })).toBeVisible();
  await expect(roster.getByRole("link", { name: "Chen Wei", exact: true })).toBeVisible();

  // Add one by hand, edit one, remove one.
  await page.getByLabel("Name").fill("Emil Novak");
  await page.getByLabel("Email").fill("emil@example.edu");
  await page.getByRole("button", { name: "Add student" }).click();
  await expect(page.getByText("Added Emil Novak to the roster.")).toBeVisible();
  await expect(roster.getByRole("link", { name: "Emil Novak", exact: true })).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("");

  await roster.getByRole("link", { name: "Edit Chen Wei" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chen Wei" })).toBeVisible();
  await page.getByLabel("Email").fill("dana@example.edu");
  await page.getByRole("button", { name: "Save student" }).click();
  await expect(page.getByText("another student of this course has this email")).toBeVisible();
  await page.getByLabel("Name").fill("Chen Wei Ming");
  await page.getByLabel("Email").fill("chen.ming@example.edu");
  await page.getByRole("button", { name: "Save student" }).click();
  await expect(page.getByRole("status")).toContainText("Saved.");
  await expect(page.getByRole("heading", { level: 1, name: "Chen Wei Ming" })).toBeVisible();

  await page.goto(courseUrl);
  await roster
    .getByRole("row", { name: /Dana Fischer/ })
    .getByRole("button", { name: "Remove" })
    .click();
  await page.getByRole("button", { name: "Remove Dana Fischer" }).click();
  await expect(roster.getByRole("link", { name: "Dana Fischer", exact: true })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Roster (3)" })).toBeVisible();
  await context.close();
});
