"use server";

// Admins share a Zoom meeting between courses (cross-listed sections) or take a course off it.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/access";
import { MeetingShareError, shareMeeting, unshareMeeting } from "@/lib/services/meetings";
import { zoomMeetingIdSchema } from "@/lib/validations/common";

function meetingPage(meetingId: string, params: Record<string, string> = {}): string {
  return `/admin/meetings?${new URLSearchParams({ meeting: meetingId, ...params }).toString()}`;
}

export async function shareMeetingAction(meetingId: string, formData: FormData): Promise<void> {
  const admin = await requireAdmin();
  const parsed = zoomMeetingIdSchema.safeParse(meetingId);
  if (!parsed.success) redirect(`/admin/meetings?error=${encodeURIComponent("That is not a Zoom meeting ID.")}`);
  const courseId = formData.get("courseId");
  if (typeof courseId !== "string" || courseId === "")
    redirect(meetingPage(parsed.data, { error: "Choose the course to share the meeting with." }));
  let done: string;
  try {
    const { added } = await shareMeeting(parsed.data, courseId, admin.id);
    done = added ? "shared" : "already";
  } catch (error) {
    if (error instanceof MeetingShareError) redirect(meetingPage(parsed.data, { error: error.message }));
    throw error;
  }
  revalidatePath("/admin/meetings");
  redirect(meetingPage(parsed.data, { done }));
}

export async function unshareMeetingAction(meetingId: string, courseId: string): Promise<void> {
  const admin = await requireAdmin();
  const parsed = zoomMeetingIdSchema.safeParse(meetingId);
  if (!parsed.success) redirect("/admin/meetings");
  await unshareMeeting(parsed.data, courseId, admin.id);
  revalidatePath("/admin/meetings");
  redirect(meetingPage(parsed.data, { done: "removed" }));
}
