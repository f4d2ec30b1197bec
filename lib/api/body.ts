// Reading request bodies and query strings: size limit, content type, JSON and zod.
// Rule (see errors.ts): unreadable → 400, wrong format → 415, too big → 413, values wrong → 422.
import type { z } from "zod";
import { ApiError, describeIssues, issuesOf } from "./errors";

/** Largest body any API route reads (a 5,000-student roster CSV is well under 1 MiB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

// The rest of the body is never read, so the connection cannot carry another request: say so,
// or a keep-alive client would send its next request into the unread remainder.
const tooLarge = () =>
  new ApiError(
    413,
    "payload_too_large",
    `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`,
    { limitBytes: MAX_BODY_BYTES },
    { connection: "close" },
  );

/** The media type without parameters, lower-cased: "application/json; charset=utf-8" → "application/json". */
export function mediaTypeOf(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

export function isCsvMediaType(mediaType: string): boolean {
  return mediaType === "text/csv" || mediaType === "application/csv";
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(
    415,
    "unsupported_media_type",
    `Send the body as ${accepted.join(" or ")} (Content-Type header).`,
    { accepted },
  );
}

/**
 * The body as UTF-8 text, refusing more than MAX_BODY_BYTES: by Content-Length before reading,
 * and while reading for chunked bodies that do not announce their size.
 */
export async function readBodyText(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_encoding", "The request body is not valid UTF-8.");
  }
}

/** Validates `value` against `schema`: 422 with every issue when it does not fit. */
export function validateBody<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new ApiError(422, "validation_failed", `The request body is not valid: ${describeIssues(issues)}`, {
      issues,
    });
  }
  return parsed.data;
}

/** Parses JSON text: 400 when it is not JSON at all. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === "") throw new ApiError(400, "invalid_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      400,
      "invalid_json",
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A JSON body checked against a zod schema (415 unless the Content-Type is JSON). */
export async function parseJsonBody<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
): Promise<z.output<Schema>> {
  if (!isJsonMediaType(mediaTypeOf(request))) throw unsupportedMediaType(["application/json"]);
  return validateBody(schema, parseJsonText(await readBodyText(request)));
}

/** Query parameters checked against a zod schema: 400, since a query string is part of the request line. */
export function parseQuery<Schema extends z.ZodType>(request: Request, schema: Schema): z.output<Schema> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new ApiError(400, "invalid_query", `The query parameters are not valid: ${describeIssues(issues)}`, {
      issues,
    });
  }
  return parsed.data;
}

/** ?bom=1 (or true/yes): start a CSV with a byte-order mark for Excel. */
export function wantsBom(request: Request): boolean {
  const value = new URL(request.url).searchParams.get("bom")?.toLowerCase();
  return value === "1" || value === "true" || value === "yes";
}
