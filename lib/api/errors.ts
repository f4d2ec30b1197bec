// JSON errors of the public API: {"error": {"code", "message", ...details}} with the status that
// says what went wrong. The rule (docs/api.md "Errors"):
//   400 the request cannot be read: malformed JSON or CSV, bad encoding, bad query parameters
//   401 no valid token (missing, unknown, revoked, or its user disabled)
//   403 the caller is known but the route is not for their role (admins-only exports)
//   404 no such resource, or one the caller may not see (an instructor asking for another's course)
//   405 a method the route does not offer for that resource (DELETE of a session)
//   409 the request is valid but clashes with what exists (the same session created twice, a
//       meeting another course uses: meeting_in_use)
//   413 body over MAX_BODY_BYTES
//   415 a body in a format the route does not take
//   422 the body was read but its values break the rules (zod schema, roster rows)
//   429 over the per-token rate limit (with Retry-After)
//   503 a service Rollcall needs could not be reached (zoom_unreachable: the Zoom host check)
import { NextResponse } from "next/server";
import type { ZodError } from "zod";

export type ApiErrorCode =
  | "invalid_json"
  | "invalid_csv"
  | "invalid_encoding"
  | "invalid_query"
  | "unauthorized"
  | "token_expired"
  | "forbidden"
  | "read_only_token"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "meeting_in_use"
  | "meeting_not_shared"
  | "meeting_host_mismatch"
  | "meeting_not_on_zoom"
  | "zoom_unreachable"
  | "payload_too_large"
  | "unsupported_media_type"
  | "validation_failed"
  | "invalid_roster"
  | "rate_limited"
  | "internal";

export interface ValidationIssue {
  /** dotted path into the body or query, e.g. "students.2.email" */
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** extra members of the error object, e.g. {issues: [...]} */
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(
  status: number,
  code: ApiErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return NextResponse.json(
    { error: { code, message, ...details } },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

export function apiErrorResponse(error: ApiError) {
  return errorResponse(error.status, error.code, error.message, error.details, error.headers);
}

export function issuesOf(error: ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
}

/** "students.0.email: must be an email address; name: name is required" */
export function describeIssues(issues: ValidationIssue[], limit = 3): string {
  const shown = issues.slice(0, limit).map((issue) => `${issue.path}: ${issue.message}`);
  return shown.join("; ") + (issues.length > limit ? ` (and ${issues.length - limit} more)` : "");
}

export const notFound = (what: string, id: string) => new ApiError(404, "not_found", `No ${what} with id ${id}.`);
