import { expect, test, type Page } from "@playwright/test";
import { instantToLocalInput, localDateTimeToInstant } from "../lib/timezone";
import { meetingStarted, participantJoined, participantLeft, uniqueMeetingId, uniqueUuid } from "../test/helpers/zoom";
import { deliver, minutesAfter, signedInContext, uniqueSuffix } from "./support";

const ZONE = "America/New_York";

const ana = { name: "Ana Lima", email: "ana.lima@students.example.edu" };
const ben = { name: "Ben Okafor", email: "ben.okafor@students.example.edu" };
const chen = { name: "Chen Wei", email: "chen.wei@students.example.edu" };
const hana = { name: "Hana Sato", email: "hana.sato@students.example.edu" };
/** Hana on her iPad: signed in without an email, so she shows up as a guest. */
const hanaIpad = { name: "Hana (iPad)" };

async function createCourseWithRoster(page: Page, name: string): Promise<string> {
  await page.goto("/courses/new");
  await page.getByLabel("Course name").fill(name);
  await page.getByLabel("Time zone").selectOption(ZONE);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const courseUrl = page.url();
  await page.getByRole("link", { name: "Import CSV" }).click();
  // Enrolled since January: the ended-session test backfills yesterday's class (the term record: a
  // session that ended before a student's enrolment would be "not enrolled" for them).
  await page
    .getByLabel("Roster CSV")
    .fill(
      [
        "name,email,enrolled_at",
        ...[ana, ben, chen, hana].map((student) => `${student.name},${student.email},2026-01-05`),
      ].join("\n"),
    );
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("button", { name: "Import 4 students" }).click();
  await expect(page.getByRole("status")).toContainText("4 added");
  return courseUrl;
}

async function createSession(page: Page, courseUrl: string, meetingId: string, startsAt: Date): Promise<string> {
  await page.goto(`${courseUrl}/sessions/new`);
  await page.getByLabel("Zoom meeting ID").fill(meetingId);
  await page.getByLabel("Starts at").fill(instantToLocalInput(startsAt, ZONE));
  await page.getByLabel("Duration (minutes)").fill("60");
  await page.getByLabel("Late after (minutes)").fill("5");
  await page.getByRole("button", { name: "Create session" }).click();
  await page.waitForURL((url) => /^\/sessions\/[^/]+$/.test(url.pathname));
  return page.url();
}

interface Person {
  name: string;
  email?: string;
}

/** One meeting instance of the class, and its participants' joins and leaves at minutes from `startsAt`. */
function zoomMeeting(meetingId: string, startsAt: Date) {
  const uuid = uniqueUuid();
  return {
    started: (minutes: number) => meetingStarted(uuid, meetingId, minutesAfter(startsAt, minutes)),
    joined: (person: Person, userId: string, minutes: number) =>
      participantJoined({ uuid, meetingId, userId, ...person, joinTime: minutesAfter(startsAt, minutes) }),
    left: (person: Person, userId: string, minutes: number) =>
      participantLeft({ uuid, meetingId, userId, ...person, leaveTime: minutesAfter(startsAt, minutes) }),
  };
}

const row = (page: Page, student: { email: string }) => page.locator(`tr[data-student="${student.email}"]`);

test("the live roster follows signed webhooks without a reload, and a guest can be matched", async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  const meetingId = uniqueMeetingId();
  const courseUrl = await createCourseWithRoster(page, `E2E Live ${uniqueSuffix()}`);

  // "Now" fills in the current time on the course's clock.
  await page.goto(`${courseUrl}/sessions/new`);
  await page.getByRole("button", { name: "Now" }).click();
  const filledIn = localDateTimeToInstant(await page.getByLabel("Starts at").inputValue(), ZONE);
  expect(Math.abs(filledIn!.getTime() - Date.now())).toBeLessThan(2 * 60_000);

  // A class that is under way: it started a quarter of an hour ago, so late joiners exist.
  const startsAt = new Date(Date.now() - 15 * 60_000);
  startsAt.setUTCSeconds(0, 0); // the form has minute precision
  const sessionUrl = await createSession(page, courseUrl, meetingId, startsAt);
  const meeting = zoomMeeting(meetingId, startsAt);
  await expect(page.getByText("Live", { exact: true }).first()).toBeVisible();
  // Pushed over server-sent events (e2e/live-push.spec.ts tests reconnects and the polling fallback).
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-status", "connected");
  await expect(row(page, ana)).toContainText("Not joined");
  // Any reload would lose this marker.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await deliver(meeting.started(-1));
  await deliver(meeting.joined(ana, "16778240", 1));
  // The webhook shows on screen within 5 seconds.
  await expect(row(page, ana).locator('[data-col="now"]')).toHaveText("In meeting", { timeout: 5_000 });
  await expect(row(page, ana).locator('[data-col="late"]')).toHaveText("On time");
  await expect(row(page, ana).locator('[data-col="attended"]')).toContainText("so far");

  // A late joiner gets a badge with the minutes.
  await deliver(meeting.joined(ben, "16778241", 12));
  await expect(row(page, ben).locator('[data-col="late"]')).toHaveText("12 min late");

  // A second device: still one student, now on two devices; the phone leaves, the laptop stays.
  await deliver(meeting.joined(ana, "16778250", 13));
  await expect(row(page, ana).locator('[data-col="now"]')).toContainText("2 devices");
  await deliver(meeting.left(ana, "16778250", 13.5));
  await expect(row(page, ana).locator('[data-col="now"]')).not.toContainText("devices");
  await expect(row(page, ana).locator('[data-col="now"]')).toHaveText("In meeting");

  // Chen drops and rejoins; Zoom then redelivers the first leave with a new tracking ID.
  await deliver(meeting.joined(chen, "16778260", 2));
  const chenLeft = meeting.left(chen, "16778260", 5);
  await deliver(chenLeft);
  await expect(row(page, chen).locator('[data-col="now"]')).toHaveText("Left");
  await deliver(meeting.joined(chen, "16778261", 6));
  await expect(row(page, chen).locator('[data-col="now"]')).toHaveText("In meeting");
  await deliver(chenLeft);
  // Give the redelivery time to be processed and pushed, then look again.
  await page.waitForTimeout(5_000);
  await expect(row(page, chen).locator('[data-col="now"]')).toHaveText("In meeting");

  // A guest, matched to a roster student.
  await deliver(meeting.joined(hanaIpad, "16778270", 3));
  const guests = page.getByRole("region", { name: "Guests table" });
  const guestRow = guests.locator('tr[data-guest="Hana (iPad)"]');
  await expect(guestRow).toContainText("In meeting");
  await expect(row(page, hana).locator('[data-col="now"]')).toHaveText("Not joined");
  await guestRow.getByLabel("This is…").selectOption({ label: `Hana Sato (${hana.email})` });
  await guestRow.getByRole("button", { name: "Match Hana (iPad)" }).click();
  await expect(page.getByText("Matched to Hana Sato.").first()).toBeVisible();
  await expect(row(page, hana).locator('[data-col="now"]')).toHaveText("In meeting");
  await expect(page.getByText("No guests: everyone who joined matched a student.")).toBeVisible();

  // The timeline says in words what it draws.
  await expect(page.getByRole("figure")).toContainText("Ana Lima:");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The webhook log shows the redelivery, absorbed as a duplicate.
  await page.goto(`/admin/deliveries?meeting=${meetingId}`);
  await expect(page.getByRole("link", { name: /1 Duplicate/ })).toBeVisible();
  await page.getByLabel("Outcome").selectOption("duplicate");
  await page.getByRole("button", { name: "Filter" }).click();
  const deliveries = page.getByTestId("deliveries");
  await expect(deliveries.locator("tbody tr")).toHaveCount(1);
  await expect(deliveries).toContainText("meeting.participant_left");
  await expect(deliveries).toContainText("Redelivery of the event first stored");

  // The match sticks: in the next session of the course, Hana's iPad is Hana.
  const tomorrow = new Date(startsAt.getTime() + 24 * 3600_000);
  const nextSessionUrl = await createSession(page, courseUrl, meetingId, tomorrow);
  const nextMeeting = zoomMeeting(meetingId, tomorrow);
  await deliver(nextMeeting.joined(hanaIpad, "16778240", 1));
  await expect(async () => {
    await page.goto(nextSessionUrl);
    await expect(row(page, hana).locator("td").nth(1)).not.toHaveText("—", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText("No guests yet: everyone who joined matched a student.")).toBeVisible();

  // Back on the first session, nothing about it changed.
  await page.goto(sessionUrl);
  await expect(row(page, hana).locator('[data-col="now"]')).toHaveText("In meeting");
  await context.close();
});

test("an ended session shows final figures, does not poll, and counts in each student's rate", async ({ browser }) => {
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  const meetingId = uniqueMeetingId();
  const courseUrl = await createCourseWithRoster(page, `E2E Ended ${uniqueSuffix()}`);
  const startsAt = new Date(Date.now() - 26 * 3600_000);
  startsAt.setUTCSeconds(0, 0);
  const sessionUrl = await createSession(page, courseUrl, meetingId, startsAt);
  await expect(page.getByText("Ended", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("live-indicator")).toHaveText("Final figures");
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-status", "final");
  await expect(row(page, ana).locator('[data-col="status"]')).toHaveText("Absent");
  let polls = 0;
  page.on("request", (request) => {
    if (request.url().includes("/live")) polls += 1;
  });
  await page.waitForTimeout(5_000);
  expect(polls).toBe(0);

  // Webhooks about yesterday's class (delivered late) still count: Ana was there for half of it.
  const meeting = zoomMeeting(meetingId, startsAt);
  await deliver(meeting.joined(ana, "16778240", 0));
  await deliver(meeting.left(ana, "16778240", 30));
  await expect(async () => {
    await page.goto(sessionUrl);
    await expect(row(page, ana).locator('[data-col="status"]')).toHaveText("Partial", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(row(page, ana).locator('[data-col="attended"]')).toContainText("50.0%");

  await page.goto(courseUrl);
  const anaOnRoster = page.getByRole("region", { name: "Roster table" }).getByRole("row", { name: /Ana Lima/ });
  await expect(anaOnRoster).toContainText("50.0%");
  await expect(anaOnRoster).toContainText("0 of 1");
  await anaOnRoster.getByRole("link", { name: "Ana Lima", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ana Lima" })).toBeVisible();
  const history = page.getByRole("region", { name: "Attendance by session table" });
  await expect(history.getByRole("row")).toHaveCount(2);
  await expect(history).toContainText("Partial");
  await expect(history).toContainText("50.0% (30 min)");
  await context.close();
});
