// Text helpers for emails and the notification list: times in a course's time zone, HTML escaping.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat("en-US", { timeZone, ...options });
    formatters.set(key, cached);
  }
  return cached;
}

/** ICU puts a narrow no-break space before AM/PM; plain spaces read the same and survive any mailer. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, " ");

/** "9:00 AM PST" */
export function formatClockTime(value: Date, timeZone: string): string {
  return plain(formatter(timeZone, { hour: "numeric", minute: "2-digit", timeZoneName: "short" }).format(value));
}

/** "Tuesday, March 3, 2026" */
export function formatLongDate(value: Date, timeZone: string): string {
  return plain(formatter(timeZone, { weekday: "long", year: "numeric", month: "long", day: "numeric" }).format(value));
}

/** "Mar 3, 9:07:12 AM PST" — for the notification list */
export function formatShortDateTime(value: Date, timeZone: string): string {
  return plain(
    formatter(timeZone, {
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "short",
    }).format(value),
  );
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** One line, for a header: no line breaks or control characters from user-entered names. */
export function oneLine(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The link if it is an http(s) URL (a join link is entered by people), else null. */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : null;
  } catch {
    return null;
  }
}
