// A small MIME reader for the demo mail catcher: enough to show what nodemailer sends (headers with
// encoded words, multipart/alternative, quoted-printable or base64 parts). Not a general parser.
export interface ParsedMail {
  headers: Record<string, string>;
  subject: string;
  from: string;
  to: string;
  messageId: string | null;
  date: string | null;
  text: string | null;
  html: string | null;
}

interface Part {
  headers: Record<string, string>;
  body: string; // bytes as latin1 characters
}

function splitHeadersAndBody(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : "";
  const headers: Record<string, string> = {};
  let current: string | null = null;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      headers[current] += " " + line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    current = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[current] = headers[current] === undefined ? value : `${headers[current]}, ${value}`;
  }
  return { headers, body };
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString("utf8");
  }
}

function quotedPrintableBytes(text: string, headerMode: boolean): Buffer {
  const source = headerMode ? text.replace(/_/g, " ") : text.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let index = 0; index < source.length; index += 1) {
    const character = source[index];
    const hex = source.slice(index + 1, index + 3);
    if (character === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(source.charCodeAt(index) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words ("=?UTF-8?Q?You=E2=80=99re?=") to text. */
export function decodeHeader(value: string): string {
  const joined = value.replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, "$1");
  return joined.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_word, charset: string, encoding: string, text: string) => {
    const bytes = encoding.toUpperCase() === "B" ? Buffer.from(text, "base64") : quotedPrintableBytes(text, true);
    return decodeBytes(bytes, charset);
  });
}

function parameter(headerValue: string | undefined, name: string): string | null {
  if (!headerValue) return null;
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(headerValue);
  return match ? (match[1] ?? match[2]) : null;
}

function decodeBody(part: Part): string {
  const encoding = (part.headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const charset = parameter(part.headers["content-type"], "charset") ?? "utf-8";
  let bytes: Buffer;
  if (encoding === "base64") bytes = Buffer.from(part.body.replace(/\s+/g, ""), "base64");
  else if (encoding === "quoted-printable") bytes = quotedPrintableBytes(part.body, false);
  else bytes = Buffer.from(part.body, "latin1");
  return decodeBytes(bytes, charset);
}

function collect(part: Part, found: { text: string | null; html: string | null }, depth = 0): void {
  const type = (part.headers["content-type"] ?? "text/plain").split(";")[0].trim().toLowerCase();
  if (type.startsWith("multipart/") && depth < 5) {
    const boundary = parameter(part.headers["content-type"], "boundary");
    if (!boundary) return;
    const delimiter = `--${boundary}`;
    const sections = part.body.split(delimiter).slice(1);
    for (const section of sections) {
      if (section.startsWith("--")) break;
      collect(splitHeadersAndBody(section.replace(/^\r?\n/, "").replace(/\r?\n$/, "")), found, depth + 1);
    }
    return;
  }
  if (/attachment/i.test(part.headers["content-disposition"] ?? "")) return;
  if (type === "text/plain" && found.text === null) found.text = decodeBody(part);
  else if (type === "text/html" && found.html === null) found.html = decodeBody(part);
}

/** Parses a raw RFC 5322 message (as received over SMTP). */
export function parseMail(raw: Buffer | string): ParsedMail {
  const message = splitHeadersAndBody(typeof raw === "string" ? Buffer.from(raw, "utf8").toString("latin1") : raw.toString("latin1"));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) headers[name] = decodeHeader(decodeBytes(Buffer.from(value, "latin1"), "utf-8"));
  const found = { text: null as string | null, html: null as string | null };
  collect(message, found);
  return {
    headers,
    subject: headers.subject ?? "",
    from: headers.from ?? "",
    to: headers.to ?? "",
    messageId: headers["message-id"] ?? null,
    date: headers.date ?? null,
    text: found.text,
    html: found.html,
  };
}
