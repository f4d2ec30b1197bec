// The class a drill sends: sessions of 50 students who each join and leave 10 times
// (non-overlapping), so that any lost join changes joinCount and any lost leave changes
// attendedSeconds; its rows in the database, and the attendance it must produce.
import crypto from "node:crypto";
import pg from "pg";
import { computeSessionAttendance, deriveInstances } from "../../lib/attendance/engine";
import type { EngineEvent, RosterStudent, SessionInput } from "../../lib/attendance/types";
import { parseStoredEvent } from "../../lib/zoom/payload";
import { meetingEnded, meetingStarted, participantJoined, participantLeft } from "../helpers/zoom";

const STUDENTS_PER_SESSION = 50;
const CONNECTIONS_PER_STUDENT = 10;

export interface Delivery {
  index: number;
  body: string;
  dedupeKey: string;
  sessionId: string;
}

export interface Scenario {
  tag: string;
  courseId: string;
  roster: RosterStudent[];
  sessions: SessionInput[];
  events: Delivery[];
  /** events, then 10 % of them again (redeliveries), shuffled */
  deliveries: Delivery[];
}

export function buildScenario(targetEvents: number, seed = 1): Scenario {
  const random = mulberry32(seed);
  const tag = crypto.randomBytes(3).toString("hex");
  const courseId = `drill_course_${tag}`;
  const roster: RosterStudent[] = Array.from({ length: STUDENTS_PER_SESSION }, (_, index) => {
    const email = `s${index}.${tag}@drill.example`;
    return {
      id: `drill_${tag}_s${index}`,
      name: `Student ${String(index).padStart(2, "0")}`,
      email,
      emailNormalized: email,
      zoomRegistrantId: null,
    };
  });
  const perSession = 2 + STUDENTS_PER_SESSION * CONNECTIONS_PER_STUDENT * 2;
  const sessionCount = Math.max(1, Math.ceil(targetEvents / perSession));
  const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
  const sessions: SessionInput[] = [];
  const events: Delivery[] = [];
  for (let s = 0; s < sessionCount; s += 1) {
    const session: SessionInput = {
      id: `drill_${tag}_session${s}`,
      zoomMeetingId: String(83_000_000_000 + Math.floor(random() * 900_000_000) * 10 + s),
      startsAt: new Date(dayStart + s * 2 * 3600_000),
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    };
    sessions.push(session);
    const uuid = Buffer.from(`${tag}-${s}-instance`).toString("base64");
    const at = (seconds: number) => new Date(session.startsAt.getTime() + seconds * 1000);
    const add = (body: unknown) => {
      const parsed = parseStoredEvent(body);
      if (!parsed.ok) throw new Error(parsed.message);
      events.push({
        index: events.length,
        body: JSON.stringify(body),
        dedupeKey: parsed.fields.dedupeKey,
        sessionId: session.id,
      });
    };
    add(meetingStarted(uuid, session.zoomMeetingId, at(-120)));
    roster.forEach((student, i) => {
      for (let j = 0; j < CONNECTIONS_PER_STUDENT; j += 1) {
        const spec = {
          uuid,
          meetingId: session.zoomMeetingId,
          userId: `${i + 1}${String(j).padStart(2, "0")}${s}`,
          name: student.name,
          email: student.email,
        };
        const joinAt = at(j * 360 + i);
        add(participantJoined({ ...spec, joinTime: joinAt }));
        add(participantLeft({ ...spec, leaveTime: new Date(joinAt.getTime() + 240_000) }));
      }
    });
    add(meetingEnded(uuid, session.zoomMeetingId, at(-120), at(3660)));
  }
  const redeliveries = events.filter(() => random() < 0.1);
  const deliveries = shuffle([...events, ...redeliveries], random);
  return { tag, courseId, roster, sessions, events, deliveries };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other], items[index]];
  }
  return items;
}

/** The scenario's course, roster and sessions, written straight into the drill's database. */
export async function insertScenario(databaseUrl: string, scenario: Scenario): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO courses (id, name, timezone, "notifyLateJoiners", "updatedAt") VALUES ($1, $2, 'UTC', false, now())`,
      [scenario.courseId, `Drill ${scenario.tag}`],
    );
    for (const student of scenario.roster) {
      await client.query(
        `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`,
        [student.id, scenario.courseId, student.name, student.email, student.emailNormalized],
      );
    }
    for (const session of scenario.sessions) {
      await client.query(
        `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "lateAfterMinutes", "requiredPercent", "updatedAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
        [
          session.id,
          scenario.courseId,
          session.zoomMeetingId,
          session.startsAt,
          session.durationMinutes,
          session.lateAfterMinutes,
          session.requiredPercent,
        ],
      );
    }
  } finally {
    await client.end();
  }
}

/** What attendance must be: the pure engine on exactly the events sent. */
export function expectedAttendance(scenario: Scenario) {
  const expected = new Map<
    string,
    {
      attendedSeconds: number;
      joinCount: number;
      status: string;
      firstJoinAt: number | null;
      lastLeaveAt: number | null;
    }
  >();
  for (const session of scenario.sessions) {
    const events: EngineEvent[] = scenario.events
      .filter((event) => event.sessionId === session.id)
      .map((event) => {
        const parsed = parseStoredEvent(JSON.parse(event.body));
        if (!parsed.ok) throw new Error(parsed.message);
        const fields = parsed.fields;
        return { id: String(event.index).padStart(8, "0"), source: "webhook" as const, ...fields };
      });
    const computed = computeSessionAttendance({
      session,
      roster: scenario.roster,
      links: [],
      manualMatches: [],
      events,
      instances: deriveInstances(events),
      now: new Date(),
    });
    for (const student of computed.students) {
      expected.set(`${session.id}/${student.studentId}`, {
        attendedSeconds: student.attendedSeconds,
        joinCount: student.joinCount,
        status: student.status,
        firstJoinAt: student.firstJoinAt?.getTime() ?? null,
        lastLeaveAt: student.lastLeaveAt?.getTime() ?? null,
      });
    }
  }
  return expected;
}
