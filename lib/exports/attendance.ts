// Attendance exports, shared by the API routes and `npm run rollcall -- export`:
// - a session: from readSessionAttendance (fresh while the class is live), students then guests;
// - a course or every course over a range of local days: streamed from the stored projection,
//   sessions in start order (keyset pages of sessions), and within each session its roster by
//   name (keyset pages of EXPORT_BATCH_ROWS students), so no export is ever held in memory.
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import { finalStatusAndLate, type FinalStatus } from "../attendance/final-record";
import { readSessionAttendance, type GuestRow, type StudentRow } from "../attendance/read";
import type { AttendanceStatus } from "../attendance/types";
import { csvStream, type CsvRow } from "./csv";
import { allCoursesExportFilename, courseExportFilename, sessionExportFilename } from "./names";
import type { ExportRange } from "./range";
import { localDateRange, nextLocalDate, zonedFormatter, type ZonedFormatter } from "./time";

export const SESSION_COLUMNS = [
  "student_name",
  "student_email",
  "status",
  "attended_minutes",
  "attended_percent",
  "first_join",
  "last_leave",
  "late",
  "late_by_minutes",
  "join_count",
  // The final record (status above is the final one): what Zoom's data gave, and the override.
  "computed_status",
  "override_note",
  "override_by",
] as const;

export const COURSE_COLUMNS = ["course", "session_id", "session_start", ...SESSION_COLUMNS] as const;

/** Guests are not on the roster, so they have no attendance status: their rows say "guest". */
export const GUEST_STATUS = "guest";

/** Students per database round trip in course exports. */
export const EXPORT_BATCH_ROWS = 500;
/** Sessions per database round trip (their rows are fetched per session). */
const SESSION_PAGE_SIZE = 200;

export interface ExportOptions {
  /** Start with a UTF-8 byte-order mark (Excel needs it to read non-ASCII names). */
  bom?: boolean;
  /** The clock: sessions that have not started by then are left out of range exports. */
  now?: Date;
  /** Told about a failure after the download has started (the stream is then cut short). */
  onError?: (error: unknown) => void;
  /** Override EXPORT_BATCH_ROWS (tests). */
  batchRows?: number;
}

export interface ExportFile {
  filename: string;
  stream: ReadableStream<Uint8Array>;
}

/** Seconds as minutes with one decimal: 5430 → "90.5". */
export function secondsToMinutes(seconds: number): string {
  return (Math.round(seconds / 6) / 10).toFixed(1);
}

export function formatPercent(percent: number): string {
  return (Math.round(percent * 10) / 10).toFixed(1);
}

interface AttendanceFigures {
  status: string;
  attendedSeconds: number;
  attendedPercent: number;
  firstJoinAt: Date | null;
  lastLeaveAt: Date | null;
  late: boolean;
  lateBySeconds: number;
  joinCount: number;
  computedStatus: string;
  overrideNote: string | null;
  overrideBy: string | null;
}

function studentCells(name: string, email: string, figures: AttendanceFigures, zoned: ZonedFormatter): CsvRow {
  return [
    name,
    email,
    figures.status,
    secondsToMinutes(figures.attendedSeconds),
    formatPercent(figures.attendedPercent),
    zoned.instant(figures.firstJoinAt),
    zoned.instant(figures.lastLeaveAt),
    figures.late ? "true" : "false",
    secondsToMinutes(figures.lateBySeconds),
    String(figures.joinCount),
    figures.computedStatus,
    figures.overrideNote,
    figures.overrideBy,
  ];
}

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

export function sessionStudentRow(student: StudentRow, zoned: ZonedFormatter): CsvRow {
  return studentCells(
    student.name,
    student.email,
    {
      ...student,
      firstJoinAt: toDate(student.firstJoinAt),
      lastLeaveAt: toDate(student.lastLeaveAt),
      overrideNote: student.override?.note ?? null,
      overrideBy: student.override?.by ?? null,
    },
    zoned,
  );
}

export function sessionGuestRow(guest: GuestRow, zoned: ZonedFormatter): CsvRow {
  return [
    guest.name,
    guest.email,
    GUEST_STATUS,
    secondsToMinutes(guest.attendedSeconds),
    formatPercent(guest.attendedPercent),
    zoned.instant(toDate(guest.firstJoinAt)),
    zoned.instant(toDate(guest.lastLeaveAt)),
    null, // late: not defined for guests
    null,
    String(guest.joinCount),
    null, // computed_status, override_note, override_by: students only
    null,
    null,
  ];
}

/** One session: every roster student (by name), then the guests (by first join). Null if there is no such session. */
export async function sessionAttendanceExport(
  sessionId: string,
  options: ExportOptions = {},
): Promise<ExportFile | null> {
  const view = await readSessionAttendance(sessionId, options.now ?? new Date());
  if (!view) return null;
  const zoned = zonedFormatter(view.course.timezone);
  const rows = [
    ...view.students.map((student) => sessionStudentRow(student, zoned)),
    ...view.guests.map((guest) => sessionGuestRow(guest, zoned)),
  ];
  async function* batches() {
    for (let index = 0; index < rows.length; index += EXPORT_BATCH_ROWS)
      yield rows.slice(index, index + EXPORT_BATCH_ROWS);
  }
  return {
    filename: sessionExportFilename(view.course.name, zoned.localDate(new Date(view.session.startsAt))),
    stream: csvStream(SESSION_COLUMNS, batches(), options),
  };
}

// ---------------------------------------------------------------------------------------------
// Range exports (a course, or every course)

interface SessionPageRow {
  id: string;
  startsAt: Date;
  courseId: string;
  courseName: string;
  timezone: string;
}

interface StudentPageRow {
  id: string;
  name: string;
  email: string;
  status: string | null;
  attendedSeconds: number | null;
  attendedPercent: number | null;
  firstJoinAt: Date | null;
  lastLeaveAt: Date | null;
  late: boolean | null;
  lateBySeconds: number | null;
  joinCount: number | null;
  overrideStatus: FinalStatus | null;
  overrideLate: boolean | null;
  overrideNote: string | null;
  overrideBy: string | null;
}

type RangeScope = { courseId: string; start: Date; end: Date } | { courseId: null; start: Date; end: Date };

/** Sessions in [start, end) that have started by `now`, ordered by start then id, one keyset page at a time. */
async function* sessionsInRange(scope: RangeScope, now: Date): AsyncGenerator<SessionPageRow> {
  const end = scope.end.getTime() <= now.getTime() ? scope.end : new Date(now.getTime() + 1);
  let after: { startsAt: Date; id: string } | null = null;
  for (;;) {
    const page: SessionPageRow[] = await prisma.$queryRaw<SessionPageRow[]>`
      SELECT s.id, s."startsAt", s."courseId", c.name AS "courseName", c.timezone
      FROM sessions s JOIN courses c ON c.id = s."courseId"
      WHERE s."startsAt" >= ${scope.start} AND s."startsAt" < ${end}
        ${scope.courseId ? Prisma.sql`AND s."courseId" = ${scope.courseId}` : Prisma.empty}
        ${after ? Prisma.sql`AND (s."startsAt", s.id) > (${after.startsAt}, ${after.id})` : Prisma.empty}
      ORDER BY s."startsAt", s.id
      LIMIT ${SESSION_PAGE_SIZE}`;
    yield* page;
    if (page.length < SESSION_PAGE_SIZE) return;
    const last = page[page.length - 1];
    after = { startsAt: last.startsAt, id: last.id };
  }
}

/** The roster of the session's course with its stored attendance, by name, one keyset page at a time. */
async function* studentPages(session: SessionPageRow, batchRows: number): AsyncGenerator<StudentPageRow[]> {
  let after: { name: string; id: string } | null = null;
  for (;;) {
    const page: StudentPageRow[] = await prisma.$queryRaw<StudentPageRow[]>`
      SELECT st.id, st.name, st.email, ar.status::text AS status, ar."attendedSeconds", ar."attendedPercent",
             ar."firstJoinAt", ar."lastLeaveAt", ar.late, ar."lateBySeconds", ar."joinCount",
             ao.status::text AS "overrideStatus", ao.late AS "overrideLate", ao.note AS "overrideNote", ao."byName" AS "overrideBy"
      FROM students st
      LEFT JOIN attendance_records ar ON ar."sessionId" = ${session.id} AND ar."studentId" = st.id
      LEFT JOIN attendance_overrides ao ON ao."sessionId" = ${session.id} AND ao."studentId" = st.id
      WHERE st."courseId" = ${session.courseId}
        ${after ? Prisma.sql`AND (st.name, st.id) > (${after.name}, ${after.id})` : Prisma.empty}
      ORDER BY st.name, st.id
      LIMIT ${batchRows}`;
    if (page.length > 0) yield page;
    if (page.length < batchRows) return;
    const last = page[page.length - 1];
    after = { name: last.name, id: last.id };
  }
}

/** A student without a stored record (not computed yet) is absent, as on the session page. */
function figuresOf(row: StudentPageRow): AttendanceFigures {
  const computedStatus = (row.status ?? "absent") as AttendanceStatus;
  const final = finalStatusAndLate(
    { status: computedStatus, late: row.late ?? false },
    row.overrideStatus ? { status: row.overrideStatus, late: row.overrideLate } : null,
  );
  return {
    status: final.status,
    computedStatus,
    overrideNote: row.overrideNote,
    overrideBy: row.overrideBy,
    attendedSeconds: row.attendedSeconds ?? 0,
    attendedPercent: row.attendedPercent ?? 0,
    firstJoinAt: row.firstJoinAt,
    lastLeaveAt: row.lastLeaveAt,
    late: final.late,
    lateBySeconds: row.lateBySeconds ?? 0,
    joinCount: row.joinCount ?? 0,
  };
}

/**
 * Rows of the range exports. `range` holds local days: each course's sessions count when their
 * start falls in [from 00:00, to 24:00) of that course's own time zone.
 */
export async function* rangeExportBatches(
  courseId: string | null,
  /** null: every session of the course so far (course exports only) */
  range: ExportRange | null,
  options: ExportOptions = {},
): AsyncGenerator<CsvRow[]> {
  const now = options.now ?? new Date();
  const batchRows = options.batchRows ?? EXPORT_BATCH_ROWS;
  const formatters = new Map<string, ZonedFormatter>();
  const localRanges = new Map<string, { start: number; end: number }>();
  let scope: RangeScope;
  if (courseId) {
    const course = await prisma.course.findUnique({ where: { id: courseId }, select: { timezone: true } });
    if (!course) return;
    const local = range ? localDateRange(range.from, range.to, course.timezone) : { start: new Date(0), end: now };
    scope = { courseId, start: local.start, end: local.end };
  } else {
    if (!range) throw new Error("The all-courses export needs a date range");
    // Every zone lies within UTC-12 … UTC+14: fetch that much around the UTC days, then keep
    // each session whose start is inside its own course's local days.
    scope = {
      courseId: null,
      start: new Date(Date.parse(`${range.from}T00:00:00Z`) - 14 * 3600_000),
      end: new Date(Date.parse(`${nextLocalDate(range.to)}T00:00:00Z`) + 12 * 3600_000),
    };
  }
  for await (const session of sessionsInRange(scope, now)) {
    let zoned = formatters.get(session.timezone);
    if (!zoned) {
      zoned = zonedFormatter(session.timezone);
      formatters.set(session.timezone, zoned);
    }
    if (!courseId && range) {
      let local = localRanges.get(session.timezone);
      if (!local) {
        const bounds = localDateRange(range.from, range.to, session.timezone);
        local = { start: bounds.start.getTime(), end: bounds.end.getTime() };
        localRanges.set(session.timezone, local);
      }
      const startMs = session.startsAt.getTime();
      if (startMs < local.start || startMs >= local.end) continue;
    }
    const sessionStart = zoned.instant(session.startsAt);
    for await (const page of studentPages(session, batchRows)) {
      yield page.map((row) => [
        session.courseName,
        session.id,
        sessionStart,
        ...studentCells(row.name, row.email, figuresOf(row), zoned),
      ]);
    }
  }
}

/**
 * One course over local days [from, to] of its time zone, or every session so far without a
 * range: one row per student per session.
 */
export function courseAttendanceExport(
  course: { id: string; name: string },
  range: ExportRange | null,
  options: ExportOptions = {},
): ExportFile {
  return {
    filename: courseExportFilename(course.name, range),
    stream: csvStream(COURSE_COLUMNS, rangeExportBatches(course.id, range, options), options),
  };
}

/** Every course (admins): like the course export, each course's days in its own time zone. */
export function allCoursesAttendanceExport(range: ExportRange, options: ExportOptions = {}): ExportFile {
  return {
    filename: allCoursesExportFilename(range.from, range.to),
    stream: csvStream(COURSE_COLUMNS, rangeExportBatches(null, range, options), options),
  };
}
