// Admins: the mail the demo's local SMTP catcher received (lib/mail/catcher.ts). Nothing here is
// delivered; with a real SMTP_URL mail goes to the school's mail server instead.
import type { Metadata } from "next";
import { requireAdmin } from "@/lib/access";
import { listCaughtMail } from "@/lib/mail/caught";
import { describeSmtpUrl, mailSettings } from "@/lib/mail/settings";

export const metadata: Metadata = { title: "Caught mail" };
export const dynamic = "force-dynamic";

export default async function CaughtMailPage() {
  await requireAdmin();
  const messages = await listCaughtMail();
  const { smtpUrl } = mailSettings();
  return (
    <div>
      <h1 className="text-2xl font-semibold text-slate-900">Caught mail</h1>
      <p className="mt-1 text-sm text-slate-700">
        The demo sends email to a local SMTP catcher that delivers nothing and keeps each message in{" "}
        <code>.data/mail/</code>.
        {smtpUrl
          ? ` This server sends through ${describeSmtpUrl(smtpUrl)}.`
          : " Email is not configured (SMTP_URL unset)."}
      </p>
      {messages === null ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-700">
          No mail catcher has run here. Start the demo with <code>npm run demo</code> (without SMTP_URL) to catch its
          email.
        </p>
      ) : messages.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-700">
          No mail caught yet.
        </p>
      ) : (
        <ul className="mt-6 space-y-4">
          {messages.map((message) => (
            <li key={message.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <details>
                <summary className="cursor-pointer">
                  <span className="font-medium text-slate-900">{message.subject || "(no subject)"}</span>
                  <span className="block text-sm text-slate-600">
                    to {message.envelope.to.join(", ") || message.to} ·{" "}
                    <time dateTime={message.receivedAt}>{new Date(message.receivedAt).toUTCString()}</time>
                  </span>
                </summary>
                <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
                  <dt className="text-slate-600">From</dt>
                  <dd>{message.from}</dd>
                  <dt className="text-slate-600">To</dt>
                  <dd>{message.to}</dd>
                  <dt className="text-slate-600">Message-ID</dt>
                  <dd className="break-all">{message.messageId ?? "—"}</dd>
                </dl>
                <pre className="mt-3 overflow-x-auto rounded bg-slate-50 p-3 text-sm whitespace-pre-wrap text-slate-900">
                  {message.text ?? "(no plain-text part)"}
                </pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
