import { expect, test, type Page } from "@playwright/test";
import { instantToLocalInput } from "../lib/timezone";
import { DEMO_USERS } from "../lib/demo/seed";
import {
  breakoutRoomEvent,
  meetingStarted,
  participantJoined,
  participantLeft,
  uniqueMeetingId,
  uniqueUuid,
  waitingRoomEvent,
} from "../test/helpers/zoom";
import { deliver, minutesAfter, signedInContext, uniqueSuffix } from "./support";

const ZONE = "Europe/Berlin";
const ana = { name: "Ana Lima", email: "ana.lima@breakout.example.edu" };
const ben = { name: "Ben Okafor", email: "ben.okafor@breakout.example.edu" };
const iris = { name: "Iris Park", email: "iris.park@breakout.example.edu", phone: "+49 30 1234 5678" };

const row = (page: Page, student: { email: string }) => page.locator(`tr[data-student="${student.email}"]`);
const now = (page: Page, student: { email: string }) => row(page, student).locator('[data-col="now"]');

test("the live roster during a breakout round: who is in a room, hosts apart, a dial-in student, the waiting room", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  // The demo instructor creates the course, so they are its instructor: a host in its meetings.
  const context = await signedInContext(browser, "instructor");
  const page = await context.newPage();
  await page.goto("/courses/new");
  const courseName = `E2E Breakout ${uniqueSuffix()}`;
  await page.getByLabel("Course name").fill(courseName);
  await page.getByLabel("Time zone").selectOption(ZONE);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name: courseName })).toBeVisible();
  const courseUrl = page.url();
  await page.getByRole("link", { name: "Import CSV" }).click();
  await page
    .getByLabel("Roster CSV")
    .fill(
      [
        "name,email,phone",
        `${ana.name},${ana.email},`,
        `${ben.name},${ben.email},`,
        `${iris.name},${iris.email},${iris.phone}`,
      ].join("\n"),
    );
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("cell", { name: "+493012345678" })).toBeVisible();
  await page.getByRole("button", { name: "Import 3 students" }).click();
  await expect(page.getByRole("status")).toContainText("3 added");

  const startsAt = new Date(Date.now() - 20 * 60_000);
  startsAt.setUTCSeconds(0, 0);
  await page.goto(`${courseUrl}/sessions/new`);
  const meetingId = uniqueMeetingId();
  await page.getByLabel("Zoom meeting ID").fill(meetingId);
  await page.getByLabel("Starts at").fill(instantToLocalInput(startsAt, ZONE));
  await page.getByLabel("Duration (minutes)").fill("60");
  await page.getByRole("button", { name: "Create session" }).click();
  await page.waitForURL((url) => /^\/sessions\/[^/]+$/.test(url.pathname));
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-status", "connected");

  const uuid = uniqueUuid();
  const at = (minutes: number) => minutesAfter(startsAt, minutes);
  const person = (who: { name: string; email?: string; phone?: string }, userId: string) => ({
    uuid,
    meetingId,
    userId,
    ...who,
  });
  await deliver(meetingStarted(uuid, meetingId, at(-2)));
  await deliver(
    participantJoined({
      ...person({ name: "Tomás (Zoom)", email: DEMO_USERS.instructor.email.toUpperCase() }, "100"),
      joinTime: at(-2),
    }),
  );
  await deliver(participantJoined({ ...person(ana, "101"), joinTime: at(0) }));
  await deliver(participantJoined({ ...person(ben, "102"), joinTime: at(1) }));
  // Iris calls in: Zoom names her by her number and sends no email.
  await deliver(
    participantJoined({ ...person({ name: "+49 30 12345678", phone: "+493012345678" }, "103"), joinTime: at(2) }),
  );

  await expect(now(page, iris)).toHaveText("In meeting", { timeout: 10_000 });
  const hosts = page.getByTestId("hosts");
  await expect(hosts.locator(`tr[data-host="${DEMO_USERS.instructor.name}"]`)).toContainText("Instructor");
  await expect(page.getByText("No guests: everyone who joined matched a student.")).toBeVisible();
  await expect(page.locator("dl")).toContainText(/Joined\s*3\s*\/\s*3/);

  // Someone is waiting to be admitted; the list goes when they are admitted.
  await deliver(
    waitingRoomEvent("meeting.participant_joined_waiting_room", {
      ...person({ name: "Late Visitor" }, "900"),
      at: at(18),
    }),
  );
  const waiting = page.getByTestId("waiting-room");
  await expect(waiting.locator('[data-waiting="Late Visitor"]')).toBeVisible({ timeout: 10_000 });

  // Breakout round: Ana's move is reported as main-room leave + room join, Ben's with room events alone.
  await deliver(participantLeft({ ...person(ana, "101"), leaveTime: at(19) }));
  await deliver(
    breakoutRoomEvent("joined", {
      ...person(ana, "201"),
      at: at(19),
      roomUuid: "room-1",
      roomName: "Room 1: Regression",
      parentUserId: "101",
    }),
  );
  await deliver(
    breakoutRoomEvent("joined", { ...person(ben, "202"), at: at(19), roomUuid: "room-2", parentUserId: "102" }),
  );
  await expect(now(page, ana)).toContainText("In breakout room", { timeout: 10_000 });
  await expect(now(page, ana)).toContainText("Room 1: Regression");
  await expect(now(page, ben)).toHaveText("In breakout room");
  await expect(now(page, iris)).toHaveText("In meeting");
  await expect(page.locator("dl")).toContainText(/In meeting now\s*3\s*\/\s*3/);
  await deliver(
    waitingRoomEvent("meeting.participant_admitted", { ...person({ name: "Late Visitor" }, "900"), at: at(19.5) }),
  );
  await expect(waiting).toHaveCount(0, { timeout: 10_000 });

  // The timeline shows the room time in its own shade, and says it in words.
  await expect(page.locator("[data-breakout-bar]").first()).toBeVisible();
  await expect(page.getByRole("figure")).toContainText(/Ana Lima: .*; in a breakout room/);
  await page.screenshot({ path: "test-results/breakout-live.png", fullPage: true });

  // Ana comes back to the main room: in the meeting again, without a gap (one bar from her join to now).
  await deliver(
    breakoutRoomEvent("left", {
      ...person(ana, "201"),
      at: at(19.8),
      roomUuid: "room-1",
      roomName: "Room 1: Regression",
      parentUserId: "101",
    }),
  );
  await deliver(participantJoined({ ...person(ana, "104"), joinTime: at(19.85) }));
  await expect(now(page, ana)).toHaveText("In meeting", { timeout: 10_000 });
  await expect(page.getByRole("figure")).toContainText(/Ana Lima: [^,;]+ to now; in a breakout room/);
  await expect(row(page, ana).locator('[data-col="late"]')).toHaveText("On time");
  await context.close();
});
