// Sending mail through SMTP with nodemailer: one transport per SMTP_URL, created on first use.
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { mailSettings } from "./settings";

export interface OutgoingMail {
  to: { name: string; address: string };
  replyTo?: string[];
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID with angle brackets; deterministic so that a resend can be recognised */
  messageId: string;
  headers?: Record<string, string>;
}

export class EmailNotConfiguredError extends Error {
  constructor() {
    super("Email is not configured: SMTP_URL is unset");
    this.name = "EmailNotConfiguredError";
  }
}

// Time limits well inside the notification sender's transaction timeout (lib/notifications/send.ts).
export const SMTP_TIMEOUTS = {
  connectionTimeout: 15_000,
  greetingTimeout: 15_000,
  socketTimeout: 60_000,
  dnsTimeout: 15_000,
};

const transports = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();

export function getTransport(smtpUrl: string): Transporter<SMTPTransport.SentMessageInfo> {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    // Options given in the URL's query (e.g. ?pool=true) take precedence over these defaults.
    transport = nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS } as SMTPTransport.Options);
    transports.set(smtpUrl, transport);
  }
  return transport;
}

/** Closes and forgets every cached transport (tests, shutdown). */
export function resetTransports(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}

export interface SentInfo {
  messageId: string;
  accepted: string[];
  response: string;
}

/** Sends one message; throws when the SMTP server does not accept it for the recipient. */
export async function sendMail(mail: OutgoingMail): Promise<SentInfo> {
  const { smtpUrl, from } = mailSettings();
  if (!smtpUrl) throw new EmailNotConfiguredError();
  const info = await getTransport(smtpUrl).sendMail({
    from,
    to: mail.to,
    replyTo: mail.replyTo && mail.replyTo.length > 0 ? mail.replyTo : undefined,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: { "Auto-Submitted": "auto-generated", ...mail.headers },
  });
  const accepted = info.accepted.map((entry) => (typeof entry === "string" ? entry : entry.address));
  if (accepted.length === 0) throw new Error(`The mail server accepted no recipient: ${info.response}`);
  return { messageId: info.messageId, accepted, response: info.response };
}
