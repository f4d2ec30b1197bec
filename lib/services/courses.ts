import { prisma } from "../db";
import type { CourseInput } from "../validations/course";

export async function createCourse(input: CourseInput, instructorIds: string[] = []) {
  return prisma.course.create({
    data: {
      name: input.name,
      timezone: input.timezone,
      notifyLateJoiners: input.notifyLateJoiners ?? true,
      notifyInstructorSummary: input.notifyInstructorSummary ?? false,
      instructors: { create: instructorIds.map((userId) => ({ userId })) },
    },
  });
}

export async function updateCourse(courseId: string, input: CourseInput, instructorIds?: string[]) {
  return prisma.$transaction(async (tx) => {
    const course = await tx.course.update({
      where: { id: courseId },
      data: {
        name: input.name,
        timezone: input.timezone,
        notifyLateJoiners: input.notifyLateJoiners,
        notifyInstructorSummary: input.notifyInstructorSummary,
      },
    });
    if (instructorIds) {
      await tx.courseInstructor.deleteMany({ where: { courseId } });
      await tx.courseInstructor.createMany({ data: instructorIds.map((userId) => ({ courseId, userId })) });
    }
    return course;
  });
}
