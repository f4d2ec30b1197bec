// Demo data: an admin, two instructors and a course whose class is running now, so that the
// simulator's traffic (scripts/simulate.ts) fills the live roster. Idempotent: running it again
// refreshes passwords and adds today's session if it is missing.
import { prisma } from "../db";
import { hashPassword } from "../passwords";
import { createSession } from "../services/sessions";
import { upsertStudents } from "../services/students";

export const DEMO_USERS = {
  admin: { email: "admin@rollcall.test", name: "Ada Admin", role: "admin", password: "rollcall-admin" },
  instructor: { email: "teacher@rollcall.test", name: "Tomás Teacher", role: "instructor", password: "rollcall-teacher" },
  otherInstructor: { email: "other@rollcall.test", name: "Olga Other", role: "instructor", password: "rollcall-other" },
} as const;

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

async function upsertUser(user: (typeof DEMO_USERS)[keyof typeof DEMO_USERS]) {
  const passwordHash = await hashPassword(user.password);
  return prisma.user.upsert({
    where: { email: user.email },
    create: { email: user.email, name: user.name, role: user.role, passwordHash },
    update: { name: user.name, role: user.role, passwordHash, disabledAt: null },
  });
}

export async function seedDemo(options: { startsAt: Date; durationMinutes?: number }) {
  const [admin, instructor, other] = await Promise.all([
    upsertUser(DEMO_USERS.admin),
    upsertUser(DEMO_USERS.instructor),
    upsertUser(DEMO_USERS.otherInstructor),
  ]);
  let course = await prisma.course.findFirst({ where: { name: DEMO_COURSE_NAME } });
  course ??= await prisma.course.create({
    data: { name: DEMO_COURSE_NAME, timezone: "America/Los_Angeles", instructors: { create: [{ userId: instructor.id }] } },
  });
  await upsertStudents(course.id, DEMO_STUDENTS);

  const otherCourse =
    (await prisma.course.findFirst({ where: { name: OTHER_COURSE_NAME } })) ??
    (await prisma.course.create({ data: { name: OTHER_COURSE_NAME, timezone: "Europe/Berlin", instructors: { create: [{ userId: other.id }] } } }));

  const durationMinutes = options.durationMinutes ?? 60;
  const existing = await prisma.session.findFirst({
    where: {
      courseId: course.id,
      startsAt: { gte: new Date(options.startsAt.getTime() - durationMinutes * 60_000), lte: new Date(options.startsAt.getTime() + 60_000) },
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
