// Mail caught by the demo's SMTP catcher (lib/mail/catcher.ts): one JSON file per message under
// .data/mail/. Reading them needs no SMTP library, so pages can import this module.
import fs from "node:fs/promises";
import path from "node:path";
import { setting } from "../config";

export interface CaughtMail {
  id: string;
  receivedAt: string;
  envelope: { from: string | null; to: string[] };
  from: string;
  to: string;
  subject: string;
  messageId: string | null;
  text: string | null;
  html: string | null;
  size: number;
}

/** Where the catcher writes messages: MAIL_CATCHER_DIR, else <ROLLCALL_DATA_DIR or .data>/mail. */
export function mailCatcherDirectory(env: Record<string, string | undefined> = process.env): string {
  return setting("MAIL_CATCHER_DIR", env) ?? path.join(setting("ROLLCALL_DATA_DIR", env), "mail");
}

/** Newest first; null when there is no catcher directory (the catcher never ran here). */
export async function listCaughtMail(directory = mailCatcherDirectory(), limit = 200): Promise<CaughtMail[] | null> {
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch {
    return null;
  }
  const files = names
    .filter((name) => name.endsWith(".json"))
    .sort()
    .reverse()
    .slice(0, limit);
  const messages: CaughtMail[] = [];
  for (const name of files) {
    try {
      messages.push(JSON.parse(await fs.readFile(path.join(directory, name), "utf8")) as CaughtMail);
    } catch {
      // a file being written or removed: skip it
    }
  }
  return messages;
}
