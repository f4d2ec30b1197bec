// What the emails say. Pure functions: the sender (send.ts) loads the data and sends the result.
import { lateDeadline } from "../attendance/rules";
import { escapeHtml, formatClockTime, formatLongDate, oneLine, safeHttpUrl } from "../mail/format";

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface LateStudentMailInput {
  studentName: string;
  courseName: string;
  sessionTitle: string | null;
  startsAt: Date;
  lateAfterMinutes: number;
  timezone: string;
  joinUrl: string | null;
  instructorNames: string[];
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function htmlDocument(body: string): string {
  return `<!doctype html>
<html><body style="font-family: -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #0f172a;">
${body}
</body></html>
`;
}

function signature(courseName: string, instructorNames: string[]): string {
  const onBehalf = instructorNames.length > 0 ? `, on behalf of ${listNames(instructorNames)}` : "";
  return `Sent by Rollcall, the attendance system of ${courseName}${onBehalf}. This is an automatic message; you get at most one per class.`;
}

export function lateStudentMail(input: LateStudentMailInput): RenderedMail {
  const course = oneLine(input.courseName);
  const title = input.sessionTitle ? oneLine(input.sessionTitle) : null;
  const deadline = lateDeadline(input);
  const startTime = formatClockTime(input.startsAt, input.timezone);
  const deadlineTime = formatClockTime(deadline, input.timezone);
  const day = formatLongDate(input.startsAt, input.timezone);
  const joinUrl = safeHttpUrl(input.joinUrl);
  const instructors = input.instructorNames.map(oneLine);
  const className = title ? `${course} (${title})` : course;

  const subject = `You're not in ${course} yet — class started at ${startTime}`;
  const text = [
    `Hi ${oneLine(input.studentName)},`,
    "",
    `${className} started at ${startTime} on ${day}, and you had not joined by ${deadlineTime}.`,
    "",
    joinUrl ? `Join the class now: ${joinUrl}` : "Join with the Zoom link your instructor shared for this class.",
    "",
    "If you have joined since, you can ignore this email.",
    "",
    "-- ",
    signature(course, instructors),
    "",
  ].join("\n");
  const html = htmlDocument(
    [
      `<p>Hi ${escapeHtml(oneLine(input.studentName))},</p>`,
      `<p><strong>${escapeHtml(className)}</strong> started at <strong>${escapeHtml(startTime)}</strong> on ${escapeHtml(day)}, and you had not joined by ${escapeHtml(deadlineTime)}.</p>`,
      joinUrl
        ? `<p><a href="${escapeHtml(joinUrl)}" style="display: inline-block; background: #1d4ed8; color: #ffffff; padding: 8px 16px; border-radius: 6px; text-decoration: none;">Join the class now</a><br><span style="font-size: 13px; color: #475569;">${escapeHtml(joinUrl)}</span></p>`
        : `<p>Join with the Zoom link your instructor shared for this class.</p>`,
      `<p>If you have joined since, you can ignore this email.</p>`,
      `<p style="font-size: 13px; color: #475569; border-top: 1px solid #e2e8f0; padding-top: 8px;">${escapeHtml(signature(course, instructors))}</p>`,
    ].join("\n"),
  );
  return { subject, text, html };
}

export interface SummaryStudent {
  name: string;
  email: string;
  /** first join if the student has joined since the deadline, else null */
  joinedAt: Date | null;
}

export interface InstructorSummaryMailInput {
  instructorName: string;
  courseName: string;
  sessionTitle: string | null;
  startsAt: Date;
  lateAfterMinutes: number;
  timezone: string;
  students: SummaryStudent[];
  sessionUrl: string;
}

export function instructorSummaryMail(input: InstructorSummaryMailInput): RenderedMail {
  const course = oneLine(input.courseName);
  const title = input.sessionTitle ? oneLine(input.sessionTitle) : null;
  const className = title ? `${course} (${title})` : course;
  const deadline = lateDeadline(input);
  const startTime = formatClockTime(input.startsAt, input.timezone);
  const deadlineTime = formatClockTime(deadline, input.timezone);
  const day = formatLongDate(input.startsAt, input.timezone);
  const count = input.students.length;
  const noun = count === 1 ? "student" : "students";
  const status = (student: SummaryStudent) =>
    student.joinedAt ? `joined at ${formatClockTime(student.joinedAt, input.timezone)}` : "not joined yet";

  const subject = `${count} ${noun} not in ${course} yet — class started at ${startTime}`;
  const intro = `${className} started at ${startTime} on ${day}. By ${deadlineTime} (${input.lateAfterMinutes} minutes in), ${count === 1 ? "this student had" : `these ${count} students had`} not joined:`;
  const text = [
    `Hi ${oneLine(input.instructorName)},`,
    "",
    intro,
    "",
    ...input.students.map((student) => `- ${oneLine(student.name)} <${oneLine(student.email)}>: ${status(student)}`),
    "",
    `Rollcall emails each of them one reminder. See who was notified, and the live roster: ${input.sessionUrl}`,
    "",
    "-- ",
    `Sent by Rollcall because the instructor summary is on for ${course}. Turn it off in the course settings.`,
    "",
  ].join("\n");
  const html = htmlDocument(
    [
      `<p>Hi ${escapeHtml(oneLine(input.instructorName))},</p>`,
      `<p>${escapeHtml(intro)}</p>`,
      "<ul>",
      ...input.students.map(
        (student) =>
          `<li>${escapeHtml(oneLine(student.name))} &lt;${escapeHtml(oneLine(student.email))}&gt;: ${escapeHtml(status(student))}</li>`,
      ),
      "</ul>",
      `<p>Rollcall emails each of them one reminder. <a href="${escapeHtml(input.sessionUrl)}">See who was notified, and the live roster</a>.</p>`,
      `<p style="font-size: 13px; color: #475569; border-top: 1px solid #e2e8f0; padding-top: 8px;">${escapeHtml(`Sent by Rollcall because the instructor summary is on for ${course}. Turn it off in the course settings.`)}</p>`,
    ].join("\n"),
  );
  return { subject, text, html };
}

export interface AtRiskDigestStudent {
  name: string;
  email: string;
  attendedPercent: number | null;
  absent: number;
}

export interface AtRiskDigestMailInput {
  instructorName: string;
  courseName: string;
  /** "2026-W49" */
  week: string;
  requiredPercent: number;
  maxAbsences: number | null;
  students: AtRiskDigestStudent[];
  courseUrl: string;
}

/** The weekly list of a course's at-risk students for one instructor. */
export function atRiskDigestMail(input: AtRiskDigestMailInput): RenderedMail {
  const course = oneLine(input.courseName);
  const count = input.students.length;
  const rule = `below ${input.requiredPercent}% attendance${input.maxAbsences === null ? "" : ` or more than ${input.maxAbsences} unexcused ${input.maxAbsences === 1 ? "absence" : "absences"}`}`;
  const line = (student: AtRiskDigestStudent) =>
    `${oneLine(student.name)} <${oneLine(student.email)}>: ${student.attendedPercent === null ? "no session counted" : `${student.attendedPercent.toFixed(1)}%`}, ${student.absent} unexcused ${student.absent === 1 ? "absence" : "absences"}`;
  const subject = `${count} ${count === 1 ? "student" : "students"} at risk in ${course} (week ${input.week.slice(-2)})`;
  const intro = `In ${course}, ${count === 1 ? "this student is" : `these ${count} students are`} at risk (${rule}) as of ${input.week}:`;
  const footer = `Sent by Rollcall because the weekly at-risk digest is on for ${course}. Turn it off in the course settings.`;
  const text = [
    `Hi ${oneLine(input.instructorName)},`,
    "",
    intro,
    "",
    ...input.students.map((student) => `- ${line(student)}`),
    "",
    `The term record, overrides and history: ${input.courseUrl}`,
    "",
    "-- ",
    footer,
    "",
  ].join("\n");
  const html = htmlDocument(
    [
      `<p>Hi ${escapeHtml(oneLine(input.instructorName))},</p>`,
      `<p>${escapeHtml(intro)}</p>`,
      "<ul>",
      ...input.students.map((student) => `<li>${escapeHtml(line(student))}</li>`),
      "</ul>",
      `<p><a href="${escapeHtml(input.courseUrl)}">The term record, overrides and history</a>.</p>`,
      `<p style="font-size: 13px; color: #475569; border-top: 1px solid #e2e8f0; padding-top: 8px;">${escapeHtml(footer)}</p>`,
    ].join("\n"),
  );
  return { subject, text, html };
}

export interface InvitationMailInput {
  studentName: string;
  courseName: string;
  sessionTitle: string | null;
  /** this session and the course's later sessions on the same meeting, in order */
  sessionStarts: Date[];
  durationMinutes: number;
  timezone: string;
  /** the student's personal Zoom link (registrant join_url) */
  personalJoinUrl: string;
  instructorNames: string[];
}

export function invitationMail(input: InvitationMailInput): RenderedMail {
  const course = oneLine(input.courseName);
  const title = input.sessionTitle ? oneLine(input.sessionTitle) : null;
  const className = title ? `${course} (${title})` : course;
  const joinUrl = safeHttpUrl(input.personalJoinUrl);
  const instructors = input.instructorNames.map(oneLine);
  const when = (start: Date) => `${formatLongDate(start, input.timezone)} at ${formatClockTime(start, input.timezone)}`;
  const first = input.sessionStarts[0];
  const later = input.sessionStarts.slice(1);
  const subject = `Your personal Zoom link for ${course}`;
  const linkNote = "This link is yours: it tells the class attendance who you are, so please do not share it.";
  const text = [
    `Hi ${oneLine(input.studentName)},`,
    "",
    `${className} meets on Zoom on ${when(first)} (${input.durationMinutes} minutes).`,
    ...(later.length > 0
      ? ["The same link opens the later classes:", ...later.map((start) => `- ${when(start)}`)]
      : []),
    "",
    joinUrl
      ? `Join with your personal link: ${joinUrl}`
      : "Join with the Zoom link your instructor shared for this class.",
    "",
    linkNote,
    "",
    "-- ",
    `Sent by Rollcall, the attendance system of ${course}${instructors.length > 0 ? `, on behalf of ${listNames(instructors)}` : ""}.`,
    "",
  ].join("\n");
  const html = htmlDocument(
    [
      `<p>Hi ${escapeHtml(oneLine(input.studentName))},</p>`,
      `<p><strong>${escapeHtml(className)}</strong> meets on Zoom on <strong>${escapeHtml(when(first))}</strong> (${input.durationMinutes} minutes).</p>`,
      later.length > 0
        ? `<p>The same link opens the later classes:</p><ul>${later.map((start) => `<li>${escapeHtml(when(start))}</li>`).join("")}</ul>`
        : "",
      joinUrl
        ? `<p><a href="${escapeHtml(joinUrl)}" style="display: inline-block; background: #1d4ed8; color: #ffffff; padding: 8px 16px; border-radius: 6px; text-decoration: none;">Join with your personal link</a><br><span style="font-size: 13px; color: #475569;">${escapeHtml(joinUrl)}</span></p>`
        : `<p>Join with the Zoom link your instructor shared for this class.</p>`,
      `<p>${escapeHtml(linkNote)}</p>`,
      `<p style="font-size: 13px; color: #475569; border-top: 1px solid #e2e8f0; padding-top: 8px;">${escapeHtml(`Sent by Rollcall, the attendance system of ${course}${instructors.length > 0 ? `, on behalf of ${listNames(instructors)}` : ""}.`)}</p>`,
    ]
      .filter((part) => part !== "")
      .join("\n"),
  );
  return { subject, text, html };
}
