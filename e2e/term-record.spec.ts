// The record a school keeps, in the browser: an instructor excuses a student in a past session, sees the computed
// figures beside the override and the term rate change, finds the change in the student's
// history, and cancels a session (snow day).
import { expect, test, type Page } from "@playwright/test";
import { instantToLocalInput } from "../lib/timezone";
import {
  meetingEnded,
  meetingStarted,
  participantJoined,
  participantLeft,
  uniqueMeetingId,
  uniqueUuid,
} from "../test/helpers/zoom";
import { deliver, minutesAfter, signedInContext, uniqueSuffix } from "./support";

const ZONE = "America/New_York";
const ana = { name: "Ana Lima", email: "ana.lima@term.example.edu" };
const ben = { name: "Ben Okafor", email: "ben.okafor@term.example.edu" };

async function createSession(page: Page, courseUrl: string, meetingId: string, startsAt: Date): Promise<string> {
  await page.goto(`${courseUrl}/sessions/new`);
  await page.getByLabel("Zoom meeting ID").fill(meetingId);
  await page.getByLabel("Starts at").fill(instantToLocalInput(startsAt, ZONE));
  await page.getByLabel("Duration (minutes)").fill("60");
  await page.getByRole("button", { name: "Create session" }).click();
  await page.waitForURL((url) => /^\/sessions\/[^/]+$/.test(url.pathname));
  return page.url();
}

/** A whole class: who was there from start to end (minutes 0–60). */
async function playClass(meetingId: string, startsAt: Date, present: { name: string; email: string }[]) {
  const uuid = uniqueUuid();
  await deliver(meetingStarted(uuid, meetingId, startsAt));
  for (const [index, person] of present.entries()) {
    await deliver(participantJoined({ uuid, meetingId, userId: String(1000 + index), ...person, joinTime: startsAt }));
    await deliver(
      participantLeft({
        uuid,
        meetingId,
        userId: String(1000 + index),
        ...person,
        leaveTime: minutesAfter(startsAt, 60),
      }),
    );
  }
  await deliver(meetingEnded(uuid, meetingId, startsAt, minutesAfter(startsAt, 60)));
}

const termRow = (page: Page, student: { email: string }) =>
  page.getByTestId("term-summary").locator(`tr[data-term-student="${student.email}"]`);

test("an instructor excuses a student and the term rate changes; a cancelled session leaves the rates", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const context = await signedInContext(browser, "instructor");
  const page = await context.newPage();
  const name = `E2E Term ${uniqueSuffix()}`;
  await page.goto("/courses/new");
  await page.getByLabel("Course name").fill(name);
  await page.getByLabel("Time zone").selectOption(ZONE);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const courseUrl = page.url();
  // The roster with enrolment dates, imported as CSV.
  await page.getByRole("link", { name: "Import CSV" }).click();
  await page
    .getByLabel("Roster CSV")
    .fill(
      [
        "name,email,enrolled_at,sis_id",
        `${ana.name},${ana.email},2025-01-06,S-1`,
        `${ben.name},${ben.email},2025-01-06,S-2`,
      ].join("\n"),
    );
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("button", { name: "Import 2 students" }).click();
  await expect(page.getByRole("status")).toContainText("2 added");

  // Two past classes: Ben misses the first, both attend the second.
  const meetingId = uniqueMeetingId();
  const first = new Date(Date.now() - 3 * 86_400_000);
  first.setUTCSeconds(0, 0);
  const second = new Date(first.getTime() + 86_400_000);
  const firstUrl = await createSession(page, courseUrl, meetingId, first);
  const secondUrl = await createSession(page, courseUrl, meetingId, second);
  await playClass(meetingId, first, [ana]);
  await playClass(meetingId, second, [ana, ben]);

  // The term record: Ben has 50 % and is at risk (below 90 %).
  await expect(async () => {
    await page.goto(courseUrl);
    await expect(termRow(page, ben).locator('[data-col="rate"]')).toHaveText("50.0%", { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await expect(termRow(page, ben)).toContainText("At risk");
  await expect(termRow(page, ana).locator('[data-col="rate"]')).toHaveText("100.0%");
  await expect(page.getByTestId("at-risk-count")).toHaveText("1 at risk");
  await page.getByLabel("At risk only").check();
  await expect(page.getByTestId("term-summary").locator("tbody tr")).toHaveCount(1);

  // Excuse Ben in the first class, with a note.
  await page.goto(firstUrl);
  const corrections = page.getByRole("form", { name: "Corrections" });
  const benRow = corrections.locator(`tr[data-override-student="${ben.email}"]`);
  await expect(benRow.locator('[data-col="computed"]')).toContainText("computed: absent");
  await benRow.getByRole("checkbox").check();
  await expect(corrections.getByText("1 selected")).toBeVisible();
  await corrections.getByLabel("Final status").selectOption("excused");
  await corrections.getByLabel("Note").fill("doctor's note");
  await corrections.getByRole("button", { name: "Apply to selected" }).click();
  await expect(corrections.getByRole("status")).toHaveText("Set 1 student to excused.");
  await expect(benRow.locator('[data-col="final"]')).toContainText("Excused");
  await expect(benRow.locator('[data-col="computed"]')).toContainText("computed: absent, 0");
  await expect(benRow.locator('[data-col="override"]')).toContainText("by Tomás Teacher");
  await expect(benRow.locator('[data-col="override"]')).toContainText("doctor's note");
  await page.screenshot({ path: "test-results/term-record-session.png", fullPage: true });

  // The term rate follows: the excused session no longer counts.
  await page.goto(courseUrl);
  await expect(termRow(page, ben).locator('[data-col="rate"]')).toHaveText("100.0%");
  await expect(termRow(page, ben).locator('[data-col="excused"]')).toHaveText("1");
  await expect(termRow(page, ben)).not.toContainText("At risk");
  await expect(page.getByTestId("at-risk-count")).toHaveText("Nobody is at risk.");
  await page.screenshot({ path: "test-results/term-record-course.png", fullPage: true });

  // The student's page shows the history.
  await termRow(page, ben)
    .getByRole("link", { name: `${ben.name}'s term record` })
    .click();
  await expect(page.getByTestId("term-rate")).toHaveText("100.0%");
  await expect(page.getByTestId("override-history")).toContainText("Overrode: computed → excused");
  await expect(page.getByTestId("override-history")).toContainText("doctor's note");

  // Cancel the second class: Ana's rate is then her first class alone; the session stays listed.
  await page.goto(secondUrl);
  await page.getByRole("button", { name: "Cancel this session…" }).click();
  await page.getByLabel("Why is it cancelled?").fill("snow day");
  await page.getByRole("button", { name: "Cancel session", exact: true }).click();
  await expect(page.getByText("This session is cancelled")).toBeVisible();
  await page.goto(courseUrl);
  await expect(page.getByText("Cancelled: snow day")).toBeVisible();
  // Ben: the first class excused, the second cancelled: nothing counts.
  await expect(termRow(page, ben).locator('[data-col="rate"]')).toHaveText("—");
  await expect(termRow(page, ana).locator('[data-col="rate"]')).toHaveText("100.0%");
  await context.close();
});
