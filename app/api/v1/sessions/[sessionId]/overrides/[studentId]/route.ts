import { requireApiCaller, requireSession } from "@/lib/api/auth";
import { parseJsonBody } from "@/lib/api/body";
import { ApiError, notFound } from "@/lib/api/errors";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { readSessionAttendance, toPublicAttendance } from "@/lib/attendance/read";
import { OverrideTargetError, removeOverrides, setOverrides } from "@/lib/services/overrides";
import { overrideInputSchema } from "@/lib/validations/override";

export const dynamic = "force-dynamic";

type Context = ApiRouteContext<{ sessionId: string; studentId: string }>;

/** The student's public attendance row after the change. */
async function studentRow(sessionId: string, studentId: string) {
  const view = await readSessionAttendance(sessionId, new Date());
  const row = view ? toPublicAttendance(view).students.find((student) => student.studentId === studentId) : undefined;
  if (!row) throw notFound("student", studentId);
  return row;
}

function targetErrors(error: unknown, studentId: string): never {
  if (error instanceof OverrideTargetError) throw notFound("student", studentId);
  throw error;
}

/** Sets the student's final status in the session: {status, late?, note?}. */
export const PUT = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const { sessionId, studentId } = await context.params;
  const session = await requireSession(caller, sessionId);
  const input = await parseJsonBody(request, overrideInputSchema);
  if (session.cancelledAt)
    throw new ApiError(409, "conflict", "The session is cancelled: it is no one's record. Un-cancel it first.");
  await setOverrides(session.id, [studentId], input, { id: caller.user.id, name: caller.user.name }).catch((error) =>
    targetErrors(error, studentId),
  );
  return jsonResponse(await studentRow(session.id, studentId));
});

/** Removes the override: the computed status is final again. */
export const DELETE = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const { sessionId, studentId } = await context.params;
  const session = await requireSession(caller, sessionId);
  await removeOverrides(session.id, [studentId], { id: caller.user.id, name: caller.user.name }).catch((error) =>
    targetErrors(error, studentId),
  );
  return jsonResponse(await studentRow(session.id, studentId));
});
