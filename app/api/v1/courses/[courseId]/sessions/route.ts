import { requireApiCaller, requireCourse } from "@/lib/api/auth";
import { parseJsonBody, parseQuery } from "@/lib/api/body";
import { ApiError } from "@/lib/api/errors";
import { findDuplicateSession, publicSession } from "@/lib/api/resources";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { prisma } from "@/lib/db";
import { localDateSchema } from "@/lib/exports/range";
import { localDateRange } from "@/lib/exports/time";
import { createSession } from "@/lib/services/sessions";
import { sessionInputSchema } from "@/lib/validations/session";
import { z } from "zod";

export const dynamic = "force-dynamic";

type Context = ApiRouteContext<{ courseId: string }>;

/** A session plus, for admins, the two overrides (README "Who may see a meeting"). */
const sessionCreateSchema = z.intersection(
  sessionInputSchema,
  z.object({ shareMeeting: z.boolean().optional(), skipHostCheck: z.boolean().optional() }),
);

const sessionListQuerySchema = z.object({ from: localDateSchema.optional(), to: localDateSchema.optional() });

/** The course's sessions by start time; ?from&to (YYYY-MM-DD, course time zone) narrow them down. */
export const GET = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const course = await requireCourse(caller, (await context.params).courseId);
  const query = parseQuery(request, sessionListQuerySchema);
  const startsAt = {
    ...(query.from ? { gte: localDateRange(query.from, query.from, course.timezone).start } : {}),
    ...(query.to ? { lt: localDateRange(query.to, query.to, course.timezone).end } : {}),
  };
  const sessions = await prisma.session.findMany({
    where: { courseId: course.id, startsAt },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
  });
  return jsonResponse({ sessions: sessions.map(publicSession) });
});

/**
 * Schedules a class meeting: 201 with the session; the same meeting at the same time again is 409,
 * another course's meeting 409 meeting_in_use, a meeting the course's instructors do not host on
 * Zoom 422 (when Zoom API credentials are configured).
 */
export const POST = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const course = await requireCourse(caller, (await context.params).courseId);
  const { shareMeeting, skipHostCheck, ...input } = await parseJsonBody(request, sessionCreateSchema);
  const duplicate = await findDuplicateSession(course.id, input);
  if (duplicate) {
    throw new ApiError(
      409,
      "conflict",
      `This course already has a session of meeting ${input.zoomMeetingId} starting at ${input.startsAt.toISOString()}.`,
      {
        existingId: duplicate.id,
      },
    );
  }
  const session = await createSession(course.id, input, { actor: caller.user, shareMeeting, skipHostCheck });
  return jsonResponse(publicSession(session), {
    status: 201,
    headers: { location: `/api/v1/sessions/${session.id}/attendance` },
  });
});
