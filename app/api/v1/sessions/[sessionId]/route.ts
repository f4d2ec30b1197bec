import { requireApiCaller, requireSession } from "@/lib/api/auth";
import { parseJsonBody, validateBody } from "@/lib/api/body";
import { ApiError } from "@/lib/api/errors";
import { publicSession } from "@/lib/api/resources";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { setSessionCancelled, updateSession } from "@/lib/services/sessions";
import { SESSION_PATCH_FIELDS, sessionInputSchema, sessionPatchSchema } from "@/lib/validations/session";

export const dynamic = "force-dynamic";

type Context = ApiRouteContext<{ sessionId: string }>;

/** The session. */
export const GET = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const session = await requireSession(caller, (await context.params).sessionId);
  return jsonResponse(publicSession(session));
});

/**
 * Changes any of the create fields (merged with the stored session and checked as a whole, through
 * the same service as the dashboard's edit form) and/or cancels or un-cancels the session.
 */
export const PATCH = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const session = await requireSession(caller, (await context.params).sessionId);
  const { cancelled, cancelNote, shareMeeting, skipHostCheck, ...patch } = await parseJsonBody(
    request,
    sessionPatchSchema,
  );
  const fields = Object.fromEntries(
    SESSION_PATCH_FIELDS.filter((field) => field in patch).map((field) => [field, patch[field]]),
  );
  if (Object.keys(fields).length > 0 || shareMeeting !== undefined || skipHostCheck !== undefined) {
    const merged = validateBody(sessionInputSchema, {
      title: session.title,
      zoomMeetingId: session.zoomMeetingId,
      joinUrl: session.joinUrl,
      startsAt: session.startsAt.toISOString(),
      durationMinutes: session.durationMinutes,
      lateAfterMinutes: session.lateAfterMinutes,
      requiredPercent: session.requiredPercent,
      ...fields,
    });
    // The meeting checks of a creation (meeting in use, Zoom host) apply with the caller as actor.
    await updateSession(session.id, merged, { actor: caller.user, shareMeeting, skipHostCheck });
  }
  if (cancelled === undefined && cancelNote !== undefined && session.cancelledAt === null) {
    throw new ApiError(
      422,
      "validation_failed",
      "The request body is not valid: cancelNote: the session is not cancelled; send cancelled: true with the note",
      {
        issues: [{ path: "cancelNote", message: "the session is not cancelled; send cancelled: true with the note" }],
      },
    );
  }
  if (cancelled !== undefined || cancelNote !== undefined) {
    const cancel = cancelled ?? true;
    await setSessionCancelled(session.id, cancel, cancel ? (cancelNote ?? null) : null, caller.user.id);
  }
  const updated = await requireSession(caller, session.id);
  return jsonResponse(publicSession(updated));
});

/**
 * Sessions are deleted in the dashboard, not through the API: 405 — after the token is judged
 * (a read-only token hears 403, as for every write) and the session found (others' answer 404).
 */
export const DELETE = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  await requireSession(caller, (await context.params).sessionId);
  throw new ApiError(
    405,
    "method_not_allowed",
    'Sessions cannot be deleted through the API; cancel one with PATCH {"cancelled": true}, or delete it in the dashboard.',
    {},
    { allow: "GET, PATCH" },
  );
});
