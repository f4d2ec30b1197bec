// What students and instructors receive (pure rendering), and the demo mail catcher round trip.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { instructorSummaryMail, lateStudentMail } from "../../lib/notifications/messages";
import { parseMail, startMailCatcher } from "../../lib/mail/catcher";
import { listCaughtMail } from "../../lib/mail/caught";
import { resetTransports, sendMail } from "../../lib/mail/transport";

const winter = new Date("2026-01-13T17:00:00Z"); // 9:00 AM in Los Angeles (PST)
const summer = new Date("2026-07-14T16:00:00Z"); // 9:00 AM in Los Angeles (PDT)

const base = {
  studentName: "Ben Okafor",
  courseName: "Data Science 101",
  sessionTitle: null,
  startsAt: winter,
  lateAfterMinutes: 5,
  timezone: "America/Los_Angeles",
  joinUrl: "https://zoom.us/j/97711976001?pwd=abc&x=1",
  instructorNames: ["Tomás Teacher"],
};

describe("late student email", () => {
  it("names the course, the start time in the course's time zone, the join link and the sender", () => {
    const mail = lateStudentMail(base);
    expect(mail.subject).toBe("You're not in Data Science 101 yet — class started at 9:00 AM PST");
    expect(mail.text).toContain("Hi Ben Okafor,");
    expect(mail.text).toContain(
      "Data Science 101 started at 9:00 AM PST on Tuesday, January 13, 2026, and you had not joined by 9:05 AM PST.",
    );
    expect(mail.text).toContain("Join the class now: https://zoom.us/j/97711976001?pwd=abc&x=1");
    expect(mail.text).toContain(
      "Sent by Rollcall, the attendance system of Data Science 101, on behalf of Tomás Teacher.",
    );
    expect(mail.html).toContain('href="https://zoom.us/j/97711976001?pwd=abc&amp;x=1"');
    expect(lateStudentMail({ ...base, startsAt: summer }).subject).toBe(
      "You're not in Data Science 101 yet — class started at 9:00 AM PDT",
    );
    expect(lateStudentMail({ ...base, timezone: "Europe/Berlin" }).subject).toMatch(/class started at 6:00 PM GMT\+1$/);
  });

  it("escapes HTML, keeps headers on one line and drops a join link that is not http(s)", () => {
    const mail = lateStudentMail({
      ...base,
      studentName: "<b>Eve</b>",
      courseName: "R&D <script>alert(1)</script>\r\nBcc: victim@example.org",
      sessionTitle: 'Week "3"',
      joinUrl: "javascript:alert(1)",
      instructorNames: [],
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("R&amp;D &lt;script&gt;");
    expect(mail.html).toContain("&lt;b&gt;Eve&lt;/b&gt;");
    expect(mail.html).toContain("Week &quot;3&quot;");
    expect(mail.html).not.toContain("javascript:");
    expect(mail.text).toContain("Join with the Zoom link your instructor shared");
    expect(mail.text).toContain("Sent by Rollcall, the attendance system of R&D");
  });
});

describe("instructor summary email", () => {
  it("lists the late students and whether they joined since", () => {
    const mail = instructorSummaryMail({
      instructorName: "Tomás Teacher",
      courseName: "Data Science 101",
      sessionTitle: "Week 3",
      startsAt: winter,
      lateAfterMinutes: 5,
      timezone: "America/Los_Angeles",
      students: [
        { name: "Ben Okafor", email: "ben@students.test", joinedAt: new Date("2026-01-13T17:07:00Z") },
        { name: "Chen Wei", email: "chen@students.test", joinedAt: null },
      ],
      sessionUrl: "https://rollcall.school.test/sessions/abc",
    });
    expect(mail.subject).toBe("2 students not in Data Science 101 yet — class started at 9:00 AM PST");
    expect(mail.text).toContain("- Ben Okafor <ben@students.test>: joined at 9:07 AM PST");
    expect(mail.text).toContain("- Chen Wei <chen@students.test>: not joined yet");
    expect(mail.text).toContain("https://rollcall.school.test/sessions/abc");
    expect(mail.html).toContain("Ben Okafor &lt;ben@students.test&gt;");
  });
});

describe("demo mail catcher", () => {
  const directory = path.join(os.tmpdir(), `rollcall-mail-${process.pid}-${Date.now()}`);
  afterAll(async () => {
    resetTransports();
    await fs.rm(directory, { recursive: true, force: true });
  });

  it("receives what Rollcall sends and keeps it readable in .data/mail-style JSON files", async () => {
    expect(await listCaughtMail(directory)).toBeNull();
    const catcher = await startMailCatcher({ port: 0, directory });
    const previous = process.env.SMTP_URL;
    process.env.SMTP_URL = catcher.url;
    try {
      const rendered = lateStudentMail(base);
      await sendMail({
        to: { name: "Ben Okafor", address: "ben@students.test" },
        messageId: "<n1@rollcall>",
        ...rendered,
      });
      const caught = await listCaughtMail(directory);
      expect(caught).toHaveLength(1);
      const [mail] = caught!;
      expect(mail.subject).toBe(rendered.subject);
      expect(mail.envelope.to).toEqual(["ben@students.test"]);
      expect(mail.messageId).toBe("<n1@rollcall>");
      expect(mail.text?.replace(/\r\n/g, "\n")).toBe(rendered.text);
      expect(mail.html).toContain("Join the class now");
      expect(catcher.messages).toHaveLength(1);
    } finally {
      process.env.SMTP_URL = previous;
      await catcher.stop();
    }
  });

  it("decodes encoded-word headers", async () => {
    const mail = await parseMail(
      "Subject: =?UTF-8?Q?You're_not_in_X_yet_=E2=80=94_class?= =?UTF-8?B?IHN0YXJ0ZWQ=?=\r\n\r\n",
    );
    expect(mail.subject).toBe("You're not in X yet — class started");
  });
});
