// Access checks in one place. Every page, server action and route handler asks here:
// admins see everything; instructors only their own courses (anything else is "not found").
import { getServerSession } from "next-auth";
import { notFound, redirect } from "next/navigation";
import { authOptions } from "./auth";
import { prisma } from "./db";
import type { Prisma, Role } from "./generated/prisma/client";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * The signed-in, enabled user, or null. Re-read from the database on every request, so a disabled
 * user is out at once, and so is a session from before a password change (its JWT carries an older
 * session version than the user's).
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  const claims = session?.user as { id?: string; sessionVersion?: unknown } | undefined;
  if (!claims?.id) return null;
  const user = await prisma.user.findUnique({
    where: { id: claims.id },
    select: { id: true, email: true, name: true, role: true, disabledAt: true, sessionVersion: true },
  });
  if (!user || user.disabledAt) return null;
  // Tokens issued before session versions existed carry none: they count as version 0.
  const version = typeof claims.sessionVersion === "number" ? claims.sessionVersion : 0;
  if (version !== user.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** For pages and server actions: the user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
}

/** For admin-only pages and actions: others get "not found", as if the page did not exist. */
export async function requireAdmin(): Promise<CurrentUser> {
  const user = await requireUser();
  if (user.role !== "admin") notFound();
  return user;
}

/** The courses a user may see, as a Prisma filter. */
export function visibleCourses(user: Pick<CurrentUser, "id" | "role">): Prisma.CourseWhereInput {
  return user.role === "admin" ? {} : { instructors: { some: { userId: user.id } } };
}

/** The course if the user may see it, else null (callers answer 404). */
export async function findVisibleCourse(user: Pick<CurrentUser, "id" | "role">, courseId: string) {
  return prisma.course.findFirst({ where: { AND: [{ id: courseId }, visibleCourses(user)] } });
}

/** The session if the user may see its course, else null (callers answer 404). */
export async function findVisibleSession(user: Pick<CurrentUser, "id" | "role">, sessionId: string) {
  return prisma.session.findFirst({
    where: { id: sessionId, course: visibleCourses(user) },
    include: { course: true },
  });
}

/** The student if the user may see its course, else null. */
export async function findVisibleStudent(user: Pick<CurrentUser, "id" | "role">, studentId: string) {
  return prisma.student.findFirst({
    where: { id: studentId, course: visibleCourses(user) },
    include: { course: true },
  });
}

export async function requireVisibleCourse(user: CurrentUser, courseId: string) {
  const course = await findVisibleCourse(user, courseId);
  if (!course) notFound();
  return course;
}

export async function requireVisibleSession(user: CurrentUser, sessionId: string) {
  const session = await findVisibleSession(user, sessionId);
  if (!session) notFound();
  return session;
}
