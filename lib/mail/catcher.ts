// A local SMTP "catcher" for the demo and for development: accepts every message on 127.0.0.1,
// delivers nothing, and keeps each message in memory and as a JSON file under .data/mail/
// (see lib/mail/caught.ts; admins see them at /admin/mail). Never use it in production.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { AddressObject } from "mailparser";
import type { SMTPServer } from "smtp-server";
import { log } from "../log";
import { mailCatcherDirectory, type CaughtMail } from "./caught";

export const DEMO_MAIL_CATCHER_PORT = 2525;
const KEEP_FILES = 500;
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface MailCatcher {
  url: string;
  port: number;
  /** directory the messages are written to, or null for memory only */
  directory: string | null;
  messages: CaughtMail[];
  stop: () => Promise<void>;
}

export interface MailCatcherOptions {
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** null keeps messages in memory only */
  directory?: string | null;
}

/** What the catcher (and the tests' SMTP server) keeps of a message: decoded headers and bodies. */
export interface ParsedMail {
  subject: string;
  from: string;
  to: string;
  messageId: string | null;
  text: string | null;
  html: string | null;
}

const addressText = (value: AddressObject | AddressObject[] | undefined): string =>
  (Array.isArray(value) ? value : value ? [value] : []).map((address) => address.text).join(", ");

/** Reads a raw RFC 5322 message (as received over SMTP) with mailparser. */
export async function parseMail(raw: Buffer | string): Promise<ParsedMail> {
  // mailparser is a development dependency, like smtp-server: load it only when mail is caught.
  const { simpleParser } = await import("mailparser");
  // Keep the bodies as sent: no text made from HTML (or back), no links rewritten.
  const mail = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  return {
    subject: mail.subject ?? "",
    from: addressText(mail.from),
    to: addressText(mail.to),
    messageId: mail.messageId ?? null,
    text: mail.text ?? null,
    html: typeof mail.html === "string" ? mail.html : null,
  };
}

async function prune(directory: string): Promise<void> {
  const names = (await fs.readdir(directory)).filter((name) => name.endsWith(".json")).sort();
  for (const name of names.slice(0, Math.max(0, names.length - KEEP_FILES))) {
    await fs.rm(path.join(directory, name), { force: true });
  }
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? "127.0.0.1";
  const directory = options.directory === undefined ? mailCatcherDirectory() : options.directory;
  if (directory) await fs.mkdir(directory, { recursive: true });
  const messages: CaughtMail[] = [];
  const keep = async (raw: Buffer, envelope: CaughtMail["envelope"]): Promise<void> => {
    const parsed = await parseMail(raw);
    const receivedAt = new Date();
    const id = `${receivedAt.getTime().toString().padStart(15, "0")}-${crypto.randomBytes(4).toString("hex")}`;
    const mail: CaughtMail = { id, receivedAt: receivedAt.toISOString(), envelope, ...parsed, size: raw.length };
    messages.push(mail);
    if (!directory) return;
    await fs.writeFile(path.join(directory, `${id}.json`), JSON.stringify(mail, null, 2) + "\n");
    await prune(directory);
  };
  // smtp-server is a development dependency: load it only when a catcher is started.
  const { SMTPServer: Server } = await import("smtp-server");

  const server: SMTPServer = new Server({
    name: "rollcall-mail-catcher",
    banner: "Rollcall mail catcher (development only: nothing is delivered)",
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "anyone" });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
        };
        keep(Buffer.concat(chunks), envelope).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(options.port ?? DEMO_MAIL_CATCHER_PORT, host, () => {
      server.off("error", onError);
      server.on("error", (error) => log.warn("mail catcher error", { error: error.message }));
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host}:${port}`,
    port,
    directory,
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * For scripts/demo.ts: when SMTP_URL is unset, start the catcher (port 2525, or a free port if that
 * is taken) and set SMTP_URL to it, so the demo's notifications are really sent and can be read at
 * /admin/mail or in .data/mail/. Returns null when SMTP_URL is already set.
 */
export async function startDemoMailCatcher(): Promise<MailCatcher | null> {
  if (process.env.SMTP_URL?.trim()) return null;
  let catcher: MailCatcher;
  try {
    catcher = await startMailCatcher({ port: DEMO_MAIL_CATCHER_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    catcher = await startMailCatcher({ port: 0 });
  }
  process.env.SMTP_URL = catcher.url;
  log.info("demo mail catcher running: email is caught, not delivered", {
    smtpUrl: catcher.url,
    directory: catcher.directory,
  });
  return catcher;
}
