import type { Metadata } from "next";
import { requireUser } from "@/lib/access";
import { ChangePasswordForm } from "@/components/change-password-form";
import { Card, PageHeader } from "@/components/ui";
import { changePasswordAction } from "./actions";

export const metadata: Metadata = { title: "Change password" };

export default async function ChangePasswordPage() {
  const user = await requireUser();
  return (
    <div className="max-w-xl">
      <PageHeader
        title="Change password"
        description={`For ${user.email}. Changing it signs you out everywhere else (other browsers and devices); this browser stays signed in.`}
      />
      <Card>
        <ChangePasswordForm action={changePasswordAction} />
      </Card>
    </div>
  );
}
