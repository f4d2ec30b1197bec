// Wrapping of API route handlers: every failure becomes a JSON error, nothing leaks a stack trace.
import { NextResponse } from "next/server";
import { Prisma } from "../generated/prisma/client";
import { errorMessage, log } from "../log";
import { attachmentDisposition } from "../exports/names";
import type { ExportFile } from "../exports/attendance";
import { DuplicateSessionError } from "../services/sessions";
import { AdminOnlyOptionError, MeetingHostError, MeetingInUseError, MeetingShareError } from "../services/meetings";
import { ApiError, apiErrorResponse, errorResponse } from "./errors";

/** What Next passes to a handler of a dynamic route, e.g. `{ params: Promise<{ courseId: string }> }`. */
export interface ApiRouteContext<Params extends Record<string, string> = Record<string, string>> {
  params: Promise<Params>;
}

/**
 * Runs a handler, turning ApiError into its JSON answer, Prisma's "unique constraint" and "record
 * not found" into 409 and 404, and anything else into a logged 500.
 */
export function apiRoute<Context>(handler: (request: Request, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (error instanceof ApiError) return apiErrorResponse(error);
      if (error instanceof DuplicateSessionError) return errorResponse(409, "conflict", error.message);
      if (error instanceof MeetingInUseError)
        return errorResponse(409, "meeting_in_use", error.message, { zoomMeetingId: error.zoomMeetingId });
      if (error instanceof MeetingHostError) return meetingHostErrorResponse(error);
      if (error instanceof AdminOnlyOptionError) return errorResponse(403, "forbidden", error.message);
      if (error instanceof MeetingShareError)
        return errorResponse(error.status, error.status === 404 ? "not_found" : "conflict", error.message);
      if (error instanceof Prisma.PrismaClientKnownRequestError) {
        if (error.code === "P2002") return errorResponse(409, "conflict", "This would duplicate an existing record.");
        if (error.code === "P2025" || error.code === "P2003")
          return errorResponse(404, "not_found", "The record no longer exists.");
      }
      log.error("API request failed", {
        method: request.method,
        path: new URL(request.url).pathname,
        error: errorMessage(error),
      });
      return errorResponse(500, "internal", "The request failed on our side; try again later.");
    }
  };
}

function meetingHostErrorResponse(error: MeetingHostError): Response {
  if (error.kind === "zoom_unreachable") {
    return errorResponse(
      503,
      "zoom_unreachable",
      error.message,
      {},
      error.retryAfterSeconds ? { "retry-after": String(error.retryAfterSeconds) } : {},
    );
  }
  return errorResponse(
    422,
    error.kind === "host_mismatch" ? "meeting_host_mismatch" : "meeting_not_on_zoom",
    error.message,
  );
}

export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) {
  return NextResponse.json(body, {
    status: init.status ?? 200,
    headers: { "cache-control": "no-store", ...init.headers },
  });
}

/** A streamed CSV download. */
export function csvResponse(file: ExportFile): Response {
  return new Response(file.stream, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8; header=present",
      "content-disposition": attachmentDisposition(file.filename),
      "cache-control": "no-store",
    },
  });
}

export function exportErrorLogger(path: string) {
  return (error: unknown) => log.error("CSV export failed after it started", { path, error: errorMessage(error) });
}

export { ApiError };
