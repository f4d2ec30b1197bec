import type { Metadata } from "next";
import { requireAdmin } from "@/lib/access";
import { prisma } from "@/lib/db";
import { formatUtc } from "@/lib/format";
import { CreateUserForm, DisableForm, ResetPasswordForm, RoleForm } from "@/components/admin-user-forms";
import { Card, PageHeader, Section } from "@/components/ui";
import { actionsColumn, RowHeader, Table, Td } from "@/components/table";
import { createUserAction, resetPasswordAction, setDisabledAction, setRoleAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const admin = await requireAdmin();
  const users = await prisma.user.findMany({
    orderBy: [{ disabledAt: { sort: "asc", nulls: "first" } }, { name: "asc" }],
    include: {
      courses: { include: { course: { select: { name: true } } } },
      _count: { select: { apiTokens: { where: { revokedAt: null } } } },
    },
  });
  return (
    <div>
      <PageHeader
        title="Users"
        description="Admins manage everything; instructors see only the courses they teach. Disabling a user, or resetting their password, signs them out everywhere; disabling also stops their API tokens."
      />
      <Section id="new-user" title="New user">
        <Card>
          <CreateUserForm action={createUserAction} />
        </Card>
      </Section>
      <Section id="users" title={`All users (${users.length})`}>
        <Table label="Users" columns={["User", "Role", "Courses", "API tokens", "Status", actionsColumn]}>
          {users.map((user) => {
            const self = user.id === admin.id;
            return (
              <tr
                key={user.id}
                data-user={user.email}
                className={user.disabledAt ? "bg-slate-50 text-slate-600" : undefined}
              >
                <RowHeader className="text-left font-normal">
                  <span className="font-medium">{user.name}</span>
                  {self ? <span className="ml-1 text-xs text-slate-600">(you)</span> : null}
                  <div className="text-xs break-all text-slate-600">{user.email}</div>
                </RowHeader>
                <Td>
                  <RoleForm
                    action={setRoleAction.bind(null, user.id)}
                    role={user.role}
                    userName={user.name}
                    disabled={self}
                  />
                </Td>
                <Td className="max-w-xs">
                  {user.role === "admin" ? (
                    <span className="text-slate-600">All (admin)</span>
                  ) : user.courses.length === 0 ? (
                    <span className="text-slate-600">None</span>
                  ) : (
                    user.courses.map((entry) => entry.course.name).join(", ")
                  )}
                </Td>
                <Td className="tabular-nums">{user._count.apiTokens}</Td>
                <Td className="whitespace-nowrap">
                  {user.disabledAt ? (
                    <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">
                      Disabled {formatUtc(user.disabledAt).slice(0, 10)}
                    </span>
                  ) : (
                    <span className="rounded-full bg-green-100 px-2 py-0.5 text-xs font-semibold text-green-900">
                      Active
                    </span>
                  )}
                </Td>
                <Td className="text-right">
                  <DisableForm
                    action={setDisabledAction.bind(null, user.id, !user.disabledAt)}
                    disabled={Boolean(user.disabledAt)}
                    userName={user.name}
                    self={self}
                  />
                  <div className="mt-2">
                    <ResetPasswordForm action={resetPasswordAction.bind(null, user.id)} userName={user.name} />
                  </div>
                </Td>
              </tr>
            );
          })}
        </Table>
      </Section>
    </div>
  );
}
