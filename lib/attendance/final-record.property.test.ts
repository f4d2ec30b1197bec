// Property-based tests of the final record and the term figures (pure, no database): overrides,
// cancellation and enrolment never touch the computed figures, and only ever move the rates of
// the student and session they are about.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { finalRecord, type ComputedFigures, type OverrideInput } from "./final-record";
import {
  isAtRisk,
  recordKey,
  studentTermFigures,
  termSummary,
  type TermComputed,
  type TermPolicy,
  type TermSession,
  type TermStudent,
} from "./term";

const START = Date.UTC(2026, 8, 1, 15, 0, 0);
const DAY = 86_400_000;

const computedArb: fc.Arbitrary<ComputedFigures> = fc
  .record({
    status: fc.constantFrom("present" as const, "partial" as const, "absent" as const),
    seconds: fc.integer({ min: 0, max: 3 * 3600 }),
    late: fc.boolean(),
    lateBySeconds: fc.integer({ min: 0, max: 3600 }),
  })
  .map(({ status, seconds, late, lateBySeconds }) => ({
    status,
    attendedSeconds: status === "absent" ? 0 : seconds,
    late: status === "absent" ? false : late,
    lateBySeconds,
  }));

const overrideArb: fc.Arbitrary<OverrideInput> = fc.record({
  status: fc.constantFrom("present" as const, "partial" as const, "absent" as const, "excused" as const),
  late: fc.option(fc.boolean(), { nil: null }),
  note: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
  by: fc.constant("Teacher"),
  at: fc.constant(new Date(START)),
});

interface Course {
  sessions: TermSession[];
  students: TermStudent[];
  computed: Map<string, TermComputed>;
  overrides: Map<string, OverrideInput>;
  policy: TermPolicy;
}

const courseArb: fc.Arbitrary<Course> = fc
  .record({
    sessions: fc.array(
      fc.record({ durationMinutes: fc.integer({ min: 30, max: 180 }), cancelled: fc.boolean(), ended: fc.boolean() }),
      { minLength: 1, maxLength: 8 },
    ),
    students: fc.array(fc.integer({ min: -2, max: 10 }), { minLength: 1, maxLength: 5 }),
    records: fc.array(fc.tuple(fc.nat(), fc.nat(), computedArb), { maxLength: 40 }),
    overrides: fc.array(fc.tuple(fc.nat(), fc.nat(), overrideArb), { maxLength: 10 }),
    requiredPercent: fc.integer({ min: 1, max: 100 }),
    maxAbsences: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  })
  .map(({ sessions, students, records, overrides, requiredPercent, maxAbsences }) => {
    const termSessions = sessions.map((session, index) => ({
      id: `s${index}`,
      startsAt: new Date(START + index * DAY),
      ...session,
    }));
    // enrolled from day k: sessions before it ended before the student enrolled
    const termStudents = students.map((day, index) => ({ id: `p${index}`, enrolledAt: new Date(START + day * DAY) }));
    const pick = <T>(list: T[], n: number) => list[n % list.length]!;
    const computed = new Map(
      records.map(([s, p, figures]) => [recordKey(pick(termSessions, s).id, pick(termStudents, p).id), figures]),
    );
    const overrideMap = new Map(
      overrides.map(([s, p, override]) => [recordKey(pick(termSessions, s).id, pick(termStudents, p).id), override]),
    );
    return {
      sessions: termSessions,
      students: termStudents,
      computed,
      overrides: overrideMap,
      policy: { requiredPercent, maxAbsences },
    };
  });

const summaryOf = (course: Course) =>
  termSummary(course.students, course.sessions, course.computed, course.overrides, course.policy);
const byStudent = (course: Course) => new Map(summaryOf(course).map((row) => [row.studentId, row]));

describe("finalRecord", () => {
  const session = { startsAt: new Date(START), durationMinutes: 90, cancelled: false };

  it("never changes the computed figures, and without an override they are final", () => {
    fc.assert(
      fc.property(computedArb, fc.option(overrideArb, { nil: null }), (computed, override) => {
        const copy = structuredClone(computed);
        const record = finalRecord(computed, { session, enrolledAt: new Date(0), override });
        expect(record.computed).toEqual(copy);
        expect(computed).toEqual(copy);
        if (override) expect(record.status).toBe(override.status);
        else {
          expect(record.status).toBe(computed.status);
          expect(record.late).toBe(computed.late);
          expect(record.creditedSeconds).toBe(Math.min(computed.attendedSeconds, 90 * 60));
        }
      }),
    );
  });

  it("removing an override restores exactly what was there before it", () => {
    fc.assert(
      fc.property(computedArb, overrideArb, (computed, override) => {
        const before = finalRecord(computed, { session, enrolledAt: new Date(0), override: null });
        finalRecord(computed, { session, enrolledAt: new Date(0), override });
        const after = finalRecord(computed, { session, enrolledAt: new Date(0), override: null });
        expect(after).toEqual(before);
      }),
    );
  });

  it("a student enrolled after the session ended is not enrolled; enrolled during it, they are", () => {
    const computed: ComputedFigures = { status: "absent", attendedSeconds: 0, late: false, lateBySeconds: 0 };
    const end = START + 90 * 60_000;
    expect(finalRecord(computed, { session, enrolledAt: new Date(end), override: null }).enrolled).toBe(false);
    expect(finalRecord(computed, { session, enrolledAt: new Date(end - 1), override: null }).enrolled).toBe(true);
    expect(
      finalRecord(computed, { session: { ...session, cancelled: true }, enrolledAt: new Date(0), override: null })
        .ofRecord,
    ).toBe(false);
  });
});

describe("term figures", () => {
  it("an override, cancellation or enrolment never changes the stored computed figures", () => {
    fc.assert(
      fc.property(courseArb, (course) => {
        const copy = structuredClone([...course.computed.entries()]);
        summaryOf(course);
        expect([...course.computed.entries()]).toEqual(copy);
      }),
    );
  });

  it("removing every override restores each student's figures exactly", () => {
    fc.assert(
      fc.property(courseArb, (course) => {
        const plain = summaryOf({ ...course, overrides: new Map() });
        summaryOf(course);
        expect(summaryOf({ ...course, overrides: new Map() })).toEqual(plain);
      }),
    );
  });

  it("excusing one student in one session changes no other student's figures", () => {
    fc.assert(
      fc.property(courseArb, fc.nat(), fc.nat(), (course, s, p) => {
        const session = course.sessions[s % course.sessions.length]!;
        const student = course.students[p % course.students.length]!;
        const before = byStudent(course);
        const overrides = new Map(course.overrides);
        overrides.set(recordKey(session.id, student.id), {
          status: "excused",
          late: null,
          note: "doctor's note",
          by: "T",
          at: new Date(START),
        });
        const after = byStudent({ ...course, overrides });
        for (const other of course.students)
          if (other.id !== student.id) expect(after.get(other.id)).toEqual(before.get(other.id));
        // the excused session leaves the student's counted sessions (if it was of record)
        expect(after.get(student.id)!.sessionsCounted).toBeLessThanOrEqual(before.get(student.id)!.sessionsCounted);
      }),
    );
  });

  it("cancelling a session counts it for nobody, and changes no figure of a session that stays", () => {
    fc.assert(
      fc.property(courseArb, fc.nat(), (course, s) => {
        const target = course.sessions[s % course.sessions.length]!;
        const cancelled = {
          ...course,
          sessions: course.sessions.map((session) =>
            session.id === target.id ? { ...session, cancelled: true } : session,
          ),
        };
        const without = { ...course, sessions: course.sessions.filter((session) => session.id !== target.id) };
        // A cancelled session is exactly as if it had never been held.
        expect(summaryOf(cancelled)).toEqual(summaryOf(without));
      }),
    );
  });

  it("a session before a student's enrolment counts for nobody's figures but those of enrolled students", () => {
    fc.assert(
      fc.property(courseArb, (course) => {
        for (const student of course.students) {
          const ofRecord = course.sessions.filter(
            (session) =>
              session.ended &&
              !session.cancelled &&
              student.enrolledAt.getTime() < session.startsAt.getTime() + session.durationMinutes * 60_000,
          );
          const figures = studentTermFigures(
            student,
            course.sessions,
            course.computed,
            course.overrides,
            course.policy,
          );
          expect(figures.sessionsCounted + figures.excused).toBe(ofRecord.length);
          expect(figures.present + figures.partial + figures.absent).toBe(figures.sessionsCounted);
          if (figures.sessionsCounted === 0) expect(figures.attendedPercent).toBeNull();
          else expect(figures.attendedPercent).toBeGreaterThanOrEqual(0);
          expect(figures.atRisk).toBe(isAtRisk(figures, course.policy));
        }
      }),
    );
  });

  it("lists at-risk students first", () => {
    fc.assert(
      fc.property(courseArb, (course) => {
        const rows = summaryOf(course);
        const firstSafe = rows.findIndex((row) => !row.atRisk);
        if (firstSafe >= 0) expect(rows.slice(firstSafe).every((row) => !row.atRisk)).toBe(true);
      }),
    );
  });

  it("computes a worked example: excusing the one absence lifts the rate to the attended share", () => {
    const sessions: TermSession[] = [
      { id: "a", startsAt: new Date(START), durationMinutes: 60, cancelled: false, ended: true },
      { id: "b", startsAt: new Date(START + DAY), durationMinutes: 60, cancelled: false, ended: true },
    ];
    const student = { id: "ana", enrolledAt: new Date(0) };
    const computed = new Map<string, TermComputed>([
      [recordKey("a", "ana"), { status: "present", attendedSeconds: 3600, late: false, lateBySeconds: 0 }],
    ]);
    const policy = { requiredPercent: 90, maxAbsences: null };
    const before = studentTermFigures(student, sessions, computed, new Map(), policy);
    expect(before).toMatchObject({
      sessionsCounted: 2,
      present: 1,
      absent: 1,
      excused: 0,
      attendedPercent: 50,
      atRisk: true,
    });
    const excused = new Map([
      [recordKey("b", "ana"), { status: "excused" as const, late: null, note: "flu", by: "T", at: new Date(START) }],
    ]);
    expect(studentTermFigures(student, sessions, computed, excused, policy)).toMatchObject({
      sessionsCounted: 1,
      present: 1,
      absent: 0,
      excused: 1,
      attendedPercent: 100,
      atRisk: false,
    });
  });
});
