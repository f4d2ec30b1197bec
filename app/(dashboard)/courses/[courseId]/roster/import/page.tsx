import type { Metadata } from "next";
import { requireUser, requireVisibleCourse } from "@/lib/access";
import { RosterImport } from "@/components/roster-import";
import { BackLink, PageHeader } from "@/components/ui";
import { rosterImportAction } from "../../actions";

export const metadata: Metadata = { title: "Import roster" };

export default async function RosterImportPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  const user = await requireUser();
  const course = await requireVisibleCourse(user, courseId);
  return (
    <div className="space-y-6">
      <BackLink href={`/courses/${course.id}`}>{course.name}</BackLink>
      <PageHeader
        title="Import roster"
        description="Upload or paste a CSV, check the preview, then import. Nothing is saved until you press Import."
      />
      <RosterImport action={rosterImportAction.bind(null, course.id)} courseHref={`/courses/${course.id}#roster`} />
    </div>
  );
}
