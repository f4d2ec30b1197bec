import { prisma } from "../db";
import type { CourseInput } from "../validations/course";

export async function createCourse(input: CourseInput, instructorIds: string[] = []) {
  return prisma.course.create({
    data: {
      name: input.name,
      timezone: input.timezone,
      notifyLateJoiners: input.notifyLateJoiners ?? true,
      notifyInstructorSummary: input.notifyInstructorSummary ?? false,
      termRequiredPercent: input.termRequiredPercent ?? 90,
      maxAbsences: input.maxAbsences ?? null,
      atRiskDigest: input.atRiskDigest ?? false,
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
        termRequiredPercent: input.termRequiredPercent,
        // undefined keeps the stored limit; null removes it
        maxAbsences: input.maxAbsences,
        atRiskDigest: input.atRiskDigest,
      },
    });
    if (instructorIds) {
      await tx.courseInstructor.deleteMany({ where: { courseId } });
      await tx.courseInstructor.createMany({ data: instructorIds.map((userId) => ({ courseId, userId })) });
    }
    return course;
  });
}
