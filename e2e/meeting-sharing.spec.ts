// A Zoom meeting belongs to the course that first scheduled it (README "Who may see a meeting"): in
// the browser, another instructor's form is refused without naming the course; an admin sees which
// courses use the meeting, shares it, takes it back (the course is then listed as conflicting) and
// shares it again.
import { expect, test } from "@playwright/test";
import { DEMO_COURSE_NAME, DEMO_MEETING_ID, OTHER_COURSE_NAME } from "../lib/demo/seed";
import { signedInContext } from "./support";

test("an admin shares a meeting between two courses, and can take it back", async ({ browser }) => {
  test.setTimeout(120_000);
  const other = await signedInContext(browser, "otherInstructor");
  const otherPage = await other.newPage();
  await otherPage.goto("/");
  const courseUrl = await otherPage.getByRole("link", { name: OTHER_COURSE_NAME }).first().getAttribute("href");
  expect(courseUrl).toMatch(/^\/courses\/[^/]+$/);

  // Olga schedules the demo course's meeting: refused, with the way forward and no course named.
  const scheduleDemoMeeting = async () => {
    await otherPage.goto(`${courseUrl}/sessions/new`);
    await expect(otherPage.getByText("Admin overrides")).toHaveCount(0);
    await otherPage.getByLabel("Zoom meeting ID").fill(DEMO_MEETING_ID);
    await otherPage.getByLabel("Starts at").fill("2027-03-01T10:00");
    await otherPage.getByRole("button", { name: "Create session" }).click();
  };
  await scheduleDemoMeeting();
  const refusal = otherPage.getByRole("alert").filter({ hasText: "already used by another course" });
  await expect(refusal).toContainText("an admin can share the meeting");
  await expect(otherPage.getByText(DEMO_COURSE_NAME)).toHaveCount(0);
  expect(new URL(otherPage.url()).pathname).toMatch(/\/sessions\/new$/);

  // Moving one of her own sessions onto that meeting is refused the same way.
  await otherPage.goto(`${courseUrl}/sessions/new`);
  await otherPage.getByLabel("Zoom meeting ID").fill(`8${Date.now().toString().slice(-10)}`);
  await otherPage.getByLabel("Starts at").fill("2027-04-01T10:00");
  await otherPage.getByRole("button", { name: "Create session" }).click();
  await otherPage.waitForURL((url) => /^\/sessions\/[^/]+$/.test(url.pathname));
  await otherPage.goto(`${new URL(otherPage.url()).pathname}/edit`);
  await otherPage.getByLabel("Zoom meeting ID").fill(DEMO_MEETING_ID);
  await otherPage.getByRole("button", { name: "Save changes" }).click();
  await expect(otherPage.getByRole("alert").filter({ hasText: "already used by another course" })).toContainText(
    "an admin can share the meeting",
  );
  await expect(otherPage.getByText(DEMO_COURSE_NAME)).toHaveCount(0);

  // The admin looks the meeting up and shares it with Chemistry.
  const admin = await signedInContext(browser, "admin");
  const page = await admin.newPage();
  await page.goto("/admin/meetings");
  await page.getByLabel("Zoom meeting ID").fill(DEMO_MEETING_ID);
  await page.getByRole("button", { name: "Look up" }).click();
  const courses = page.getByRole("region", { name: `Courses of meeting ${DEMO_MEETING_ID} table` });
  await expect(courses.locator(`tr[data-course="${DEMO_COURSE_NAME}"]`)).toContainText("First course");
  await page.getByLabel("Share with course").selectOption({ label: OTHER_COURSE_NAME });
  await page.getByRole("button", { name: "Share meeting" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Shared" })).toBeVisible();
  await expect(courses.locator(`tr[data-course="${OTHER_COURSE_NAME}"]`)).toContainText("Shared by an admin");
  await page.screenshot({ path: "test-results/meeting-sharing.png", fullPage: true });

  // Now Olga's session is created.
  await scheduleDemoMeeting();
  await otherPage.waitForURL((url) => /^\/sessions\/[^/]+$/.test(url.pathname));

  // Taken back: Chemistry's session stays, and the meeting is listed as conflicting until resolved.
  await courses.locator(`tr[data-course="${OTHER_COURSE_NAME}"]`).getByRole("button", { name: "Remove" }).click();
  await page.getByRole("button", { name: `Remove ${OTHER_COURSE_NAME}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Removed" })).toBeVisible();
  await expect(courses.locator(`tr[data-course="${OTHER_COURSE_NAME}"]`)).toContainText("Conflicting: sees nothing");
  const conflict = page.locator(`tr[data-conflict="${DEMO_MEETING_ID}"]`);
  await expect(conflict).toContainText(DEMO_COURSE_NAME);
  await expect(conflict).toContainText(`${OTHER_COURSE_NAME} (1 session)`);
  await page.goto("/");
  await expect(page.getByRole("status").filter({ hasText: "scheduled by courses that may not see" })).toBeVisible();

  // Shared again (the conflicting course is preselected): no conflict left.
  await page.goto(`/admin/meetings?meeting=${DEMO_MEETING_ID}`);
  await expect(page.getByLabel("Share with course")).toHaveValue(/.+/);
  await page.getByRole("button", { name: "Share meeting" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Shared" })).toBeVisible();
  await expect(page.locator(`tr[data-conflict="${DEMO_MEETING_ID}"]`)).toHaveCount(0);
  await admin.close();
  await other.close();
});
