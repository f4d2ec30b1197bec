// Guest suggestions in the browser: a guest's ranked suggestions beside the match control, one click to
// confirm (the sticky manual match), on the live page and on the ended page; and the session
// page's registration panel, which says what to configure when the Zoom API is off.
import { expect, test, type Page } from "@playwright/test";
import { instantToLocalInput } from "../lib/timezone";
import { meetingEnded, meetingStarted, participantJoined, uniqueMeetingId, uniqueUuid } from "../test/helpers/zoom";
import { deliver, minutesAfter, signedInContext, uniqueSuffix } from "./support";

const ZONE = "UTC";
const roster = [
  { name: "Chris Wong", email: "cwong@students.example.edu" },
  { name: "Chris Patel", email: "cpatel@students.example.edu" },
  { name: "Hana Sato", email: "hsato@students.example.edu" },
];

async function courseWithRoster(page: Page, name: string): Promise<string> {
  await page.goto("/courses/new");
  await page.getByLabel("Course name").fill(name);
  await page.getByLabel("Time zone").selectOption(ZONE);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const courseUrl = page.url();
  await page.getByRole("link", { name: "Import CSV" }).click();
  await page
    .getByLabel("Roster CSV")
    .fill(["name,email", ...roster.map((student) => `${student.name},${student.email}`)].join("\n"));
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("button", { name: "Import 3 students" }).click();
  await expect(page.getByRole("status")).toContainText("3 added");
  return courseUrl;
}

async function session(page: Page, courseUrl: string, meetingId: string, startsAt: Date): Promise<string> {
  await page.goto(`${courseUrl}/sessions/new`);
  await page.getByLabel("Zoom meeting ID").fill(meetingId);
  await page.getByLabel("Starts at").fill(instantToLocalInput(startsAt, ZONE));
  await page.getByLabel("Duration (minutes)").fill("60");
  await page.getByRole("button", { name: "Create session" }).click();
  await page.waitForURL((url) => /^\/sessions\/[^/]+$/.test(url.pathname));
  return page.url();
}

test("a guest's best suggestion is one click from a match, live and after the class", async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  const courseUrl = await courseWithRoster(page, `E2E Suggestions ${uniqueSuffix()}`);

  // Live: "Chris W (iPhone)" is Chris Wong, not Chris Patel.
  const meetingId = uniqueMeetingId();
  const startsAt = new Date(Date.now() - 10 * 60_000);
  startsAt.setUTCSeconds(0, 0);
  await session(page, courseUrl, meetingId, startsAt);
  const uuid = uniqueUuid();
  await deliver(meetingStarted(uuid, meetingId, minutesAfter(startsAt, -1)));
  await deliver(
    participantJoined({ uuid, meetingId, userId: "1", name: "Chris W (iPhone)", joinTime: minutesAfter(startsAt, 1) }),
  );
  const guest = page.locator('tr[data-guest="Chris W (iPhone)"]');
  const suggestions = guest.getByTestId("guest-suggestions");
  await expect(suggestions.getByRole("button")).toHaveCount(1, { timeout: 10_000 });
  await expect(suggestions.getByRole("button").first()).toHaveAttribute("data-suggestion", "Chris Wong");
  await page.screenshot({ path: "test-results/guest-suggestions.png", fullPage: true });
  await suggestions.getByRole("button", { name: /Confirm: Chris W \(iPhone\) is Chris Wong/ }).click();
  await expect(page.getByText("Matched to Chris Wong.").first()).toBeVisible();
  await expect(page.locator(`tr[data-student="${roster[0].email}"] [data-col="now"]`)).toHaveText("In meeting", {
    timeout: 10_000,
  });
  await expect(page.getByText("No guests: everyone who joined matched a student.")).toBeVisible();

  // Ended: "Sato, Hana" on a phone, two suggestions at most from those who had not joined.
  const endedMeeting = uniqueMeetingId();
  const endedStart = new Date(Date.now() - 3 * 3600_000);
  endedStart.setUTCSeconds(0, 0);
  const endedUrl = await session(page, courseUrl, endedMeeting, endedStart);
  const endedUuid = uniqueUuid();
  await deliver(meetingStarted(endedUuid, endedMeeting, endedStart));
  await deliver(
    participantJoined({
      uuid: endedUuid,
      meetingId: endedMeeting,
      userId: "7",
      name: "Sato, Hana",
      joinTime: minutesAfter(endedStart, 2),
    }),
  );
  await deliver(meetingEnded(endedUuid, endedMeeting, endedStart, minutesAfter(endedStart, 60)));
  await expect(async () => {
    await page.goto(endedUrl);
    await expect(page.locator('tr[data-guest="Sato, Hana"]').getByTestId("guest-suggestions")).toBeVisible({
      timeout: 1_000,
    });
  }).toPass({ timeout: 20_000 });
  const hanaGuest = page.locator('tr[data-guest="Sato, Hana"]');
  await expect(hanaGuest.getByTestId("guest-suggestions").getByRole("button").first()).toHaveAttribute(
    "data-suggestion",
    "Hana Sato",
  );
  await hanaGuest.getByRole("button", { name: /Confirm: Sato, Hana is Hana Sato/ }).click();
  await expect(page.getByText("Matched to Hana Sato.").first()).toBeVisible();

  // Registration needs the Zoom API, which this server does not have: the panel says what to set.
  const panel = page.getByTestId("registration-panel");
  await expect(panel).toContainText("Personal Zoom links");
  await expect(panel).toContainText("ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET");
  await expect(panel.getByRole("button", { name: "Register roster on Zoom" })).toHaveCount(0);
  await context.close();
});
