// Who is calling the API, and may they see this? The one place route handlers ask.
// A Bearer token is required; the CSV export routes also take the dashboard's sign-in cookie so
// that its download buttons are plain links. Access follows lib/access.ts: admins see every
// course, instructors their own, and anything else is "not found" (never "forbidden", which would
// confirm that the course exists).
import { findVisibleCourse, findVisibleSession, getCurrentUser, type CurrentUser } from "../access";
import { hitRateLimit } from "../rate-limit";
import { lookupToken } from "../services/tokens";
import { ApiError, notFound } from "./errors";

/** Requests per token (or per signed-in user) per minute, shared by every web process. */
export const API_RATE_LIMIT = 600;
export const API_RATE_WINDOW_SECONDS = 60;

export interface ApiCaller {
  user: CurrentUser;
  /** the token used, or null when signed in with the dashboard cookie */
  tokenId: string | null;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i;

function unauthorized(message: string): ApiError {
  return new ApiError(401, "unauthorized", message, {}, { "www-authenticate": 'Bearer realm="rollcall"' });
}

/**
 * Authenticates the request and counts it against the caller's rate limit.
 * Throws 401 (no valid credentials) or 429 (over the limit).
 */
export async function requireApiCaller(
  request: Request,
  options: { allowSessionCookie?: boolean } = {},
): Promise<ApiCaller> {
  const authorization = request.headers.get("authorization");
  let caller: ApiCaller;
  if (authorization !== null) {
    // A request that sends a header is judged by it alone, even if it also carries a cookie.
    const match = BEARER.exec(authorization.trim());
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".');
    const found = await lookupToken(match[1]);
    if (found.status === "expired") {
      throw new ApiError(
        401,
        "token_expired",
        `The API token expired at ${found.expiresAt.toISOString()}; ask an admin for a new one.`,
        {},
        { "www-authenticate": 'Bearer realm="rollcall", error="invalid_token", error_description="expired"' },
      );
    }
    if (found.status !== "ok") throw unauthorized("The API token is unknown or has been revoked.");
    // A read-only token may read anything its user may read, and change nothing.
    if (found.readOnly && WRITE_METHODS.has(request.method.toUpperCase())) {
      throw new ApiError(
        403,
        "read_only_token",
        `This API token is read-only: ${request.method.toUpperCase()} is a write. Use a token created without --read-only.`,
      );
    }
    caller = { user: found.user, tokenId: found.tokenId };
  } else {
    const user = options.allowSessionCookie ? await getCurrentUser() : null;
    if (!user) {
      throw unauthorized(
        options.allowSessionCookie
          ? "Sign in, or send an API token: Authorization: Bearer <token>."
          : "Send an API token: Authorization: Bearer <token>.",
      );
    }
    caller = { user, tokenId: null };
  }
  const limit = await hitRateLimit(
    caller.tokenId ? `api:token:${caller.tokenId}` : `api:user:${caller.user.id}`,
    API_RATE_LIMIT,
    API_RATE_WINDOW_SECONDS,
  );
  if (!limit.allowed) {
    throw new ApiError(
      429,
      "rate_limited",
      `Too many requests: at most ${API_RATE_LIMIT} a minute. Retry in ${limit.retryAfterSeconds} s.`,
      { retryAfterSeconds: limit.retryAfterSeconds },
      { "retry-after": String(limit.retryAfterSeconds) },
    );
  }
  return caller;
}

/** Admin-only routes answer 403 to instructors: the route exists, it is just not theirs. */
export function requireAdmin(caller: ApiCaller): void {
  if (caller.user.role !== "admin") throw new ApiError(403, "forbidden", "Only admins may do this.");
}

export async function requireCourse(caller: ApiCaller, courseId: string) {
  const course = await findVisibleCourse(caller.user, courseId);
  if (!course) throw notFound("course", courseId);
  return course;
}

export async function requireSession(caller: ApiCaller, sessionId: string) {
  const session = await findVisibleSession(caller.user, sessionId);
  if (!session) throw notFound("session", sessionId);
  return session;
}
