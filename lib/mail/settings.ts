// Mail settings, read from the environment on every call (not from getConfig()'s cached copy), so
// a test, or the demo's mail catcher, can point SMTP_URL somewhere else at run time. The format of
// SMTP_URL and MAIL_FROM is validated once at start-up by lib/config.ts.
export const DEFAULT_MAIL_FROM = "Rollcall <rollcall@localhost>";

export interface MailSettings {
  /** smtp:// or smtps:// URL, or undefined when email is not configured */
  smtpUrl: string | undefined;
  from: string;
}

export function mailSettings(env: NodeJS.ProcessEnv = process.env): MailSettings {
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  const from = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  return { smtpUrl, from };
}

export function emailConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return mailSettings(env).smtpUrl !== undefined;
}

/** "smtp://mail.example.org:587" without user name or password, for pages and logs. */
export function describeSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "(invalid SMTP_URL)";
  }
}

/** The dashboard's base URL for links in emails (same rule as lib/config.ts's appUrl). */
export function appBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.APP_URL?.trim();
  return (configured || `http://localhost:${env.PORT?.trim() || 3000}`).replace(/\/$/, "");
}
