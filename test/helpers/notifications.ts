// Shared by the notification tests: a real SMTP server (smtp-server) started inside the test, real
// graphile-worker runners in-process, and a course with a session whose class started minutes ago.
import type { AddressInfo } from "node:net";
import { Logger, run, type Runner, type TaskList } from "graphile-worker";
import { SMTPServer } from "smtp-server";
import { prisma } from "../../lib/db";
import { storeWebhookEvent } from "../../lib/events/store";
import { parseStoredEvent } from "../../lib/zoom/payload";
import { createSession } from "../../lib/services/sessions";
import { parseMail, type ParsedMail } from "../../lib/mail/catcher";
import { meetingStarted, participantJoined, uniqueMeetingId, uniqueUuid } from "./zoom";

export interface ReceivedMail extends ParsedMail {
  envelopeTo: string[];
}

export interface TestSmtp {
  port: number;
  url: string;
  messages: ReceivedMail[];
  /** how many upcoming RCPT TO commands get a temporary 451 rejection */
  rejectNext: number;
  stop: () => Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (a free port unless given) that records what it accepts. */
export async function startSmtp(options: { port?: number; delayMs?: number } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const state = { rejectNext: 0 };
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.rejectNext > 0) {
        state.rejectNext -= 1;
        const error = Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        setTimeout(() => {
          parseMail(Buffer.concat(chunks)).then((parsed) => {
            messages.push({ ...parsed, envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address) });
            callback();
          }, callback);
        }, options.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const smtp: TestSmtp = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get rejectNext() {
      return state.rejectNext;
    },
    set rejectNext(value: number) {
      state.rejectNext = value;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return smtp;
}

const silent = new Logger(() => () => {});

export async function startRunner(connectionString: string, taskList: TaskList, concurrency = 4): Promise<Runner> {
  return run({ connectionString, taskList, concurrency, noHandleSignals: true, pollInterval: 200, logger: silent });
}

export interface Scenario {
  courseId: string;
  sessionId: string;
  meetingId: string;
  startsAt: Date;
  students: Record<"early" | "late" | "never", { id: string; name: string; email: string }>;
  instructors: { id: string; name: string; email: string }[];
}

let counter = 0;

/**
 * The scenario: a class that started 10 minutes ago with lateAfterMinutes 5 and three
 * students: one joined at minute 3, one at minute 7, one never. Creating the session through the
 * service schedules its `late_check` job (startsAt + 5 minutes: already due).
 */
export async function createScenario(
  options: {
    notifyLateJoiners?: boolean;
    notifyInstructorSummary?: boolean;
    minutesAgo?: number;
    timezone?: string;
    instructors?: number;
    durationMinutes?: number;
  } = {},
): Promise<Scenario> {
  counter += 1;
  const tag = `${process.pid}${counter}${Math.random().toString(36).slice(2, 6)}`;
  const instructors = [];
  for (let index = 0; index < (options.instructors ?? 1); index += 1) {
    const user = await prisma.user.create({
      data: { email: `teacher${index}-${tag}@school.test`, name: `Teacher ${index} ${tag}`, role: "instructor" },
    });
    instructors.push({ id: user.id, name: user.name, email: user.email });
  }
  const course = await prisma.course.create({
    data: {
      name: `Data Science 101 ${tag}`,
      timezone: options.timezone ?? "America/Los_Angeles",
      notifyLateJoiners: options.notifyLateJoiners ?? true,
      notifyInstructorSummary: options.notifyInstructorSummary ?? false,
      instructors: { create: instructors.map((instructor) => ({ userId: instructor.id })) },
    },
  });
  const people = {
    early: { name: "Ana Lima", email: `Ana.Lima-${tag}@students.test` },
    late: { name: "Ben Okafor", email: `ben.okafor-${tag}@students.test` },
    never: { name: "Chen Wei", email: `chen.wei-${tag}@students.test` },
  };
  const students = {} as Scenario["students"];
  for (const [key, person] of Object.entries(people) as [keyof typeof people, (typeof people)["early"]][]) {
    const student = await prisma.student.create({
      data: {
        courseId: course.id,
        name: person.name,
        email: person.email,
        emailNormalized: person.email.toLowerCase(),
      },
    });
    students[key] = { id: student.id, name: student.name, email: student.email };
  }
  const meetingId = uniqueMeetingId();
  const startsAt = new Date(Math.floor((Date.now() - (options.minutesAgo ?? 10) * 60_000) / 1000) * 1000);
  const session = await createSession(course.id, {
    title: "Week 3",
    zoomMeetingId: meetingId,
    joinUrl: `https://zoom.us/j/${meetingId}`,
    startsAt,
    durationMinutes: options.durationMinutes ?? 60,
    lateAfterMinutes: 5,
    requiredPercent: 90,
  });
  return { courseId: course.id, sessionId: session.id, meetingId, startsAt, students, instructors };
}

async function store(body: unknown): Promise<void> {
  const parsed = parseStoredEvent(body);
  if (!parsed.ok) throw new Error(parsed.message);
  await storeWebhookEvent(parsed.fields, body, {
    trackingId: `Webhook_${uniqueUuid()}`,
    requestId: null,
    headers: {},
    bodyBytes: 0,
  });
}

/** Zoom's webhooks for the scenario: the meeting starts on time; Ana joins at minute 3, Ben at 7. */
export async function storeScenarioEvents(scenario: Scenario): Promise<void> {
  const uuid = uniqueUuid();
  const at = (minutes: number) => new Date(scenario.startsAt.getTime() + minutes * 60_000);
  await store(meetingStarted(uuid, scenario.meetingId, scenario.startsAt));
  const { early, late } = scenario.students;
  await store(
    participantJoined({
      uuid,
      meetingId: scenario.meetingId,
      userId: "16778240",
      name: early.name,
      email: early.email,
      joinTime: at(3),
    }),
  );
  await store(
    participantJoined({
      uuid,
      meetingId: scenario.meetingId,
      userId: "16779264",
      name: late.name,
      email: late.email,
      joinTime: at(7),
    }),
  );
}

export async function jobCount(task: string): Promise<number> {
  const rows = await prisma.$queryRawUnsafe<{ count: number }[]>(
    "SELECT count(*)::int AS count FROM graphile_worker.jobs WHERE task_identifier = $1",
    task,
  );
  return rows[0].count;
}

/** Removes every queued job (between tests sharing one database). */
export async function clearJobs(): Promise<void> {
  await prisma.$executeRawUnsafe("DELETE FROM graphile_worker._private_jobs");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
