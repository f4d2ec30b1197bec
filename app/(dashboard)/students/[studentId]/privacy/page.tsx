import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/access";
import { getConfig } from "@/lib/config";
import { exportStudentData } from "@/lib/privacy/export";
import { StudentPrivacyActions } from "@/components/student-privacy-actions";
import { BackLink, Card, PageHeader, Section } from "@/components/ui";
import { eraseStudentAction } from "./actions";

export const metadata: Metadata = { title: "Student data" };

type Props = { params: Promise<{ studentId: string }> };

/** Admins only: what is stored about one student, its export, and erasure. */
export default async function StudentPrivacyPage({ params }: Props) {
  await requireAdmin();
  const { studentId } = await params;
  const data = await exportStudentData(studentId);
  if (!data) notFound();
  const retentionDays = getConfig().RETENTION_DAYS;
  const withPayload = data.events.filter((event) => event.payload !== null).length;
  const rows: [string, number, string][] = [
    [
      "Attendance records",
      data.attendance.filter((row) => row.record !== null).length,
      "one per session of the course",
    ],
    [
      "Zoom events attributed to them",
      data.events.length,
      `joins and leaves with the name, email and Zoom IDs Zoom sent; ${withPayload} still with the raw payload (kept ${retentionDays} days)`,
    ],
    ["Identity links", data.identityLinks.length, "Zoom account IDs learned or matched to them"],
    ["Manual matches", data.manualMatches.length, "“this guest is …” matches made by an instructor"],
    ["Notifications", data.notifications.length, "late-joiner emails sent or recorded"],
    [
      "Webhook log bodies naming them",
      data.webhookDeliveries.length,
      `rejected or ignored deliveries (kept ${retentionDays} days)`,
    ],
  ];
  return (
    <div>
      <BackLink href={`/students/${data.student.id}`}>{data.student.name}</BackLink>
      <div className="mt-3">
        <PageHeader
          title={`Data stored about ${data.student.name}`}
          description={<span className="break-all">{data.student.course.name}</span>}
        />
      </div>
      <Section id="stored" title="What is stored">
        <Card>
          <dl className="divide-y divide-slate-200">
            {rows.map(([label, count, hint]) => (
              <div key={label} className="grid gap-1 py-2 sm:grid-cols-[16rem_4rem_1fr]">
                <dt className="text-sm font-medium text-slate-800">{label}</dt>
                <dd className="text-sm tabular-nums text-slate-900">{count}</dd>
                <dd className="text-sm text-slate-600">{hint}</dd>
              </div>
            ))}
          </dl>
        </Card>
      </Section>
      <Section
        id="actions"
        title="Export or erase"
        description="Erasure is recorded in the audit log (who, when, how much) without the student's name or email."
      >
        <StudentPrivacyActions
          exportHref={`/api/v1/students/${encodeURIComponent(data.student.id)}/export`}
          studentName={data.student.name}
          eraseAction={eraseStudentAction.bind(null, data.student.id)}
        />
      </Section>
    </div>
  );
}
