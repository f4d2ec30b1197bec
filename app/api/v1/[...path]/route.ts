import { errorResponse } from "@/lib/api/errors";

export const dynamic = "force-dynamic";

/** Unknown API paths answer a JSON 404 like every other API error (not the HTML page). */
function unknownRoute(request: Request): Response {
  return errorResponse(404, "not_found", `There is no API route ${request.method} ${new URL(request.url).pathname}; see docs/api.md.`);
}

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
