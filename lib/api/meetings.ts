// The meeting resource of the admin API (docs/api.md "Meetings").
import { zoomMeetingIdSchema } from "../validations/common";
import { meetingCourses } from "../services/meetings";
import { ApiError } from "./errors";

/** The path's meeting ID, digits only ("842 1234 5678" → "84212345678"); 404 when it is not one. */
export function zoomMeetingIdParam(value: string): string {
  const parsed = zoomMeetingIdSchema.safeParse(decodeURIComponent(value));
  if (!parsed.success) throw new ApiError(404, "not_found", `${value} is not a Zoom meeting ID (9 to 12 digits).`);
  return parsed.data;
}

export async function publicMeeting(zoomMeetingId: string) {
  const courses = await meetingCourses(zoomMeetingId);
  return {
    zoomMeetingId,
    courses: courses.map((course) => ({
      courseId: course.courseId,
      name: course.courseName,
      allowed: course.allowed,
      // first: the course that first scheduled the meeting; shared: added by an admin; conflicting:
      // has sessions on the meeting but may not see it (they receive none of its events)
      access: !course.allowed ? "conflicting" : course.sharedById === null ? "first" : "shared",
      sharedById: course.sharedById,
      since: course.since?.toISOString() ?? null,
      sessions: course.sessions,
    })),
  };
}
