import type { Metadata } from "next";
import { requireAdmin } from "@/lib/access";
import { prisma } from "@/lib/db";
import { formatUtc } from "@/lib/format";
import { ConfirmAction } from "@/components/confirm-action";
import { TokenCreateForm } from "@/components/token-create-form";
import { Card, EmptyState, PageHeader, Section, TableWrap, tableClass, tdClass, thClass } from "@/components/ui";
import { createTokenAction, revokeTokenAction } from "./actions";

export const metadata: Metadata = { title: "API tokens" };

/** Read at request time (the page is dynamic), outside render so the component stays pure. */
function isExpired(expiresAt: Date | null): boolean {
  return expiresAt !== null && expiresAt.getTime() <= Date.now();
}

export default async function TokensPage() {
  const admin = await requireAdmin();
  const [tokens, users] = await Promise.all([
    prisma.apiToken.findMany({
      orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }],
      include: { user: { select: { name: true, email: true, role: true, disabledAt: true } } },
    }),
    prisma.user.findMany({ where: { disabledAt: null }, select: { id: true, name: true, email: true, role: true }, orderBy: { name: "asc" } }),
  ]);
  return (
    <div>
      <PageHeader
        title="API tokens"
        description={
          <>
            For scripts that use the HTTP API (<code>Authorization: Bearer …</code>). The secret is shown once when created and stored only as a hash.
          </>
        }
      />
      <Section id="new-token" title="New token">
        <Card>
          <TokenCreateForm action={createTokenAction} users={users} currentUserId={admin.id} />
        </Card>
      </Section>
      <Section id="tokens" title={`Tokens (${tokens.length})`}>
        {tokens.length === 0 ? (
          <EmptyState>No API tokens yet.</EmptyState>
        ) : (
          <TableWrap label="API tokens">
            <table className={tableClass}>
              <thead>
                <tr>
                  <th scope="col" className={thClass}>Name</th>
                  <th scope="col" className={thClass}>Acts as</th>
                  <th scope="col" className={thClass}>Starts with</th>
                  <th scope="col" className={thClass}>Access</th>
                  <th scope="col" className={thClass}>Created</th>
                  <th scope="col" className={thClass}>Expires</th>
                  <th scope="col" className={thClass}>Last used</th>
                  <th scope="col" className={thClass}>Status</th>
                  <th scope="col" className={thClass}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {tokens.map((token) => (
                  <tr key={token.id} data-token={token.name} className={token.revokedAt ? "text-slate-600" : undefined}>
                    <th scope="row" className={`${tdClass} text-left font-medium`}>
                      {token.name}
                    </th>
                    <td className={tdClass}>
                      {token.user.name}
                      <div className="text-xs text-slate-600">
                        {token.user.email} · {token.user.role}
                        {token.user.disabledAt ? " · disabled" : ""}
                      </div>
                    </td>
                    <td className={`${tdClass} font-mono text-xs`}>{token.prefix}…</td>
                    <td className={`${tdClass} whitespace-nowrap`} data-column="scope">
                      {token.readOnly ? "Read-only" : "Read and write"}
                    </td>
                    <td className={`${tdClass} whitespace-nowrap`}>{formatUtc(token.createdAt)}</td>
                    <td className={`${tdClass} whitespace-nowrap`} data-column="expires">
                      {token.expiresAt ? formatUtc(token.expiresAt) : "Never"}
                    </td>
                    <td className={`${tdClass} whitespace-nowrap`} data-column="last-used">
                      {token.lastUsedAt ? formatUtc(token.lastUsedAt) : "Never"}
                    </td>
                    <td className={`${tdClass} whitespace-nowrap`}>
                      {token.revokedAt ? (
                        <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">Revoked {formatUtc(token.revokedAt).slice(0, 10)}</span>
                      ) : isExpired(token.expiresAt) ? (
                        <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">Expired</span>
                      ) : (
                        <span className="rounded-full bg-green-100 px-2 py-0.5 text-xs font-semibold text-green-900">Active</span>
                      )}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      {token.revokedAt ? null : (
                        <ConfirmAction action={revokeTokenAction.bind(null, token.id)} label="Revoke" confirmLabel={`Revoke ${token.name}`} question="Scripts using it stop working." pendingText="Revoking…" compact />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Section>
    </div>
  );
}
