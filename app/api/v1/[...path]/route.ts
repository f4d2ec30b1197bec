import { requireApiCaller } from "@/lib/api/auth";
import { errorResponse } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

/**
 * Unknown API paths answer a JSON 404 like every other API error (not the HTML page). A request
 * that sends a token is judged by it first, so an expired token hears 401 and a read-only token
 * 403 on every write, whatever the path.
 */
const unknownRoute = apiRoute(async (request: Request): Promise<Response> => {
  if (request.headers.has("authorization")) await requireApiCaller(request);
  return errorResponse(
    404,
    "not_found",
    `There is no API route ${request.method} ${new URL(request.url).pathname}; see docs/api.md.`,
  );
});

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
