import type { Metadata } from "next";
import { requireAdmin } from "@/lib/access";
import { prisma } from "@/lib/db";
import { formatUtc } from "@/lib/format";
import { ConfirmAction } from "@/components/confirm-action";
import { TokenCreateForm } from "@/components/token-create-form";
import { Card, EmptyState, PageHeader, Section } from "@/components/ui";
import { actionsColumn, RowHeader, Table, Td } from "@/components/table";
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
    prisma.user.findMany({
      where: { disabledAt: null },
      select: { id: true, name: true, email: true, role: true },
      orderBy: { name: "asc" },
    }),
  ]);
  return (
    <div>
      <PageHeader
        title="API tokens"
        description={
          <>
            For scripts that use the HTTP API (<code>Authorization: Bearer …</code>). The secret is shown once when
            created and stored only as a hash.
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
          <Table
            label="API tokens"
            columns={[
              "Name",
              "Acts as",
              "Starts with",
              "Access",
              "Created",
              "Expires",
              "Last used",
              "Status",
              actionsColumn,
            ]}
          >
            {tokens.map((token) => (
              <tr key={token.id} data-token={token.name} className={token.revokedAt ? "text-slate-600" : undefined}>
                <RowHeader className="text-left font-medium">{token.name}</RowHeader>
                <Td>
                  {token.user.name}
                  <div className="text-xs text-slate-600">
                    {token.user.email} · {token.user.role}
                    {token.user.disabledAt ? " · disabled" : ""}
                  </div>
                </Td>
                <Td className="font-mono text-xs">{token.prefix}…</Td>
                <Td className="whitespace-nowrap" data-column="scope">
                  {token.readOnly ? "Read-only" : "Read and write"}
                </Td>
                <Td className="whitespace-nowrap">{formatUtc(token.createdAt)}</Td>
                <Td className="whitespace-nowrap" data-column="expires">
                  {token.expiresAt ? formatUtc(token.expiresAt) : "Never"}
                </Td>
                <Td className="whitespace-nowrap" data-column="last-used">
                  {token.lastUsedAt ? formatUtc(token.lastUsedAt) : "Never"}
                </Td>
                <Td className="whitespace-nowrap">
                  {token.revokedAt ? (
                    <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">
                      Revoked {formatUtc(token.revokedAt).slice(0, 10)}
                    </span>
                  ) : isExpired(token.expiresAt) ? (
                    <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">
                      Expired
                    </span>
                  ) : (
                    <span className="rounded-full bg-green-100 px-2 py-0.5 text-xs font-semibold text-green-900">
                      Active
                    </span>
                  )}
                </Td>
                <Td className="text-right">
                  {token.revokedAt ? null : (
                    <ConfirmAction
                      action={revokeTokenAction.bind(null, token.id)}
                      label="Revoke"
                      confirmLabel={`Revoke ${token.name}`}
                      question="Scripts using it stop working."
                      pendingText="Revoking…"
                      compact
                    />
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </div>
  );
}
