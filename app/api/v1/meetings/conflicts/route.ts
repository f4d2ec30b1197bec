// GET /api/v1/meetings/conflicts (admins): meetings with sessions of courses that may not see them.
import { requireAdmin, requireApiCaller } from "@/lib/api/auth";
import { apiRoute, jsonResponse } from "@/lib/api/route";
import { listMeetingConflicts } from "@/lib/services/meetings";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async (request: Request) => {
  const caller = await requireApiCaller(request);
  requireAdmin(caller);
  return jsonResponse({ conflicts: await listMeetingConflicts() });
});
