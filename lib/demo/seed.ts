// Demo data: an admin, two instructors and a course whose class is running now, so that the
// simulator's traffic (scripts/simulate.ts) fills the live roster. Idempotent: running it again
// refreshes passwords and adds today's session if it is missing. The published passwords go only
// into the demo's own embedded database; the test harness seeds the same accounts with its own
// passwords (`users`).
import { prisma } from "../db";
import { usingEmbeddedDatabase } from "../db/resolve";
import { hashPassword } from "../passwords";
import { createSession } from "../services/sessions";
import { upsertStudents } from "../services/students";
import { DEMO_USERS, demoRefusal, PUBLISHED_DEMO_PASSWORDS, type DemoUserSet } from "./accounts";

export { DEMO_USERS } from "./accounts";

export const DEMO_COURSE_NAME = "Data Science 101 (demo)";
export const OTHER_COURSE_NAME = "Chemistry 200 (demo)";
export const DEMO_MEETING_ID = "97711976001";

/** The demo roster; the simulator's participants use the same emails and registrant IDs. */
export const DEMO_STUDENTS = [
  { name: "Ana Lima", email: "ana.lima@students.rollcall.test", zoomRegistrantId: "lyF4h08rRuq8APkkzh5n1Q" },
  { name: "Ben Okafor", email: "ben.okafor@students.rollcall.test", zoomRegistrantId: "q2Bx0pYxTqK3bVb5hZ1xNw" },
  { name: "Chen Wei", email: "chen.wei@students.rollcall.test", zoomRegistrantId: null },
  { name: "Dana Fischer", email: "dana.fischer@students.rollcall.test", zoomRegistrantId: null },
  { name: "Emil Novak", email: "emil.novak@students.rollcall.test", zoomRegistrantId: null },
  { name: "Fatima Zahra", email: "fatima.zahra@students.rollcall.test", zoomRegistrantId: null },
  { name: "Gabriel Souza", email: "gabriel.souza@students.rollcall.test", zoomRegistrantId: null },
  { name: "Hana Sato", email: "hana.sato@students.rollcall.test", zoomRegistrantId: null },
  // Dials in by phone: the simulator's caller is matched by this number.
  { name: "Iris Park", email: "iris.park@students.rollcall.test", zoomRegistrantId: null, phone: "+15550104477" },
];

async function upsertUser(user: DemoUserSet[keyof DemoUserSet]) {
  const passwordHash = await hashPassword(user.password);
  return prisma.user.upsert({
    where: { email: user.email },
    create: { email: user.email, name: user.name, role: user.role, passwordHash },
    update: { name: user.name, role: user.role, passwordHash, disabledAt: null },
  });
}

export async function seedDemo(options: { startsAt: Date; durationMinutes?: number; users?: DemoUserSet }) {
  const users = options.users ?? DEMO_USERS;
  // DATABASE_URL set by resolveDatabase for the embedded database is the demo's own.
  const refusal = demoRefusal(usingEmbeddedDatabase() ? { ...process.env, DATABASE_URL: undefined } : process.env);
  if (refusal && Object.values(users).some((user) => PUBLISHED_DEMO_PASSWORDS.includes(user.password)))
    throw new Error(refusal);
  const [admin, instructor, other] = await Promise.all([
    upsertUser(users.admin),
    upsertUser(users.instructor),
    upsertUser(users.otherInstructor),
  ]);
  let course = await prisma.course.findFirst({ where: { name: DEMO_COURSE_NAME } });
  course ??= await prisma.course.create({
    data: {
      name: DEMO_COURSE_NAME,
      timezone: "America/Los_Angeles",
      instructors: { create: [{ userId: instructor.id }] },
    },
  });
  await upsertStudents(course.id, DEMO_STUDENTS);

  const otherCourse =
    (await prisma.course.findFirst({ where: { name: OTHER_COURSE_NAME } })) ??
    (await prisma.course.create({
      data: { name: OTHER_COURSE_NAME, timezone: "Europe/Berlin", instructors: { create: [{ userId: other.id }] } },
    }));

  const durationMinutes = options.durationMinutes ?? 60;
  const existing = await prisma.session.findFirst({
    where: {
      courseId: course.id,
      startsAt: {
        gte: new Date(options.startsAt.getTime() - durationMinutes * 60_000),
        lte: new Date(options.startsAt.getTime() + 60_000),
      },
    },
  });
  const session =
    existing ??
    (await createSession(course.id, {
      title: "Live demo class",
      zoomMeetingId: DEMO_MEETING_ID,
      joinUrl: `https://zoom.us/j/${DEMO_MEETING_ID}`,
      startsAt: options.startsAt,
      durationMinutes,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    }));
  return { admin, instructor, other, course, otherCourse, session };
}
