// The webhook endpoint served straight from Node's HTTP server (scripts/serve.ts), in front of
// Next's router. Zoom's deliveries are the hot path (a class of 500 sends thousands at its start
// and end), and Next's request pipeline cost ~3 ms of CPU per delivery — several times the work of
// verifying and storing the event. Same function as the route handler: lib/webhook/receive.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_BODY_BYTES, receiveWebhookBody, rejectUnknownZoomPath, type HeaderSource } from "./receive";
import { getConfig, HSTS_HEADER_VALUE } from "../config";
import { errorMessage, log } from "../log";

export const WEBHOOK_PATH = "/api/zoom/webhook";
const ZOOM_PREFIX = "/api/zoom/";

export function isWebhookRequest(request: IncomingMessage): boolean {
  return (
    request.method === "POST" && (request.url === WEBHOOK_PATH || request.url?.startsWith(`${WEBHOOK_PATH}?`) === true)
  );
}

/** Any other request under /api/zoom/: answered here too, so that probes are recorded with a bound. */
export function isOtherZoomRequest(request: IncomingMessage): boolean {
  return request.url?.startsWith(ZOOM_PREFIX) === true || request.url === "/api/zoom";
}

/** Headers every answer of this handler carries; computed once (hot path). */
let fixedHeaders: Record<string, string> | undefined;
function answerHeaders(): Record<string, string> {
  fixedHeaders ??= {
    "content-type": "application/json",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    ...(getConfig().servedOverHttps ? { "strict-transport-security": HSTS_HEADER_VALUE } : {}),
  };
  return fixedHeaders;
}

/** Node's header object as receipt reads headers (lower-case names; repeated values joined). */
function headerSource(request: IncomingMessage): HeaderSource {
  const value = (raw: string | string[] | undefined) =>
    raw === undefined ? null : Array.isArray(raw) ? raw.join(", ") : raw;
  return {
    get: (name) => value(request.headers[name.toLowerCase()]),
    forEach: (callback) => {
      for (const [name, raw] of Object.entries(request.headers)) {
        const joined = value(raw);
        if (joined !== null) callback(joined, name);
      }
    },
  };
}

/** Reads the body with the 1 MiB cap straight from the socket (no web-stream conversion: hot path). */
function readCappedNodeBody(request: IncomingMessage): Promise<Buffer | "too_large"> {
  if (Number(request.headers["content-length"] ?? "0") > MAX_BODY_BYTES) return Promise.resolve("too_large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_BODY_BYTES) {
        request.off("data", onData);
        request.pause();
        resolve("too_large");
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks, total)));
    request.once("error", reject);
    // A sender that hangs up mid-body gets no answer; nothing was stored.
    request.once("close", () => {
      if (!request.complete && total <= MAX_BODY_BYTES)
        reject(new Error("the request was aborted before its body arrived"));
    });
  });
}

export async function handleWebhookRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let status = 500;
  let body: unknown = { error: { code: "internal", message: "The event could not be processed; Zoom will retry." } };
  let extraHeaders: Record<string, string> = {};
  try {
    const answer = await receiveWebhookBody(headerSource(request), await readCappedNodeBody(request), Date.now());
    status = answer.status;
    body = answer.body;
    extraHeaders = answer.headers ?? {};
  } catch (error) {
    log.error("webhook handler failed", { error: errorMessage(error) });
  }
  writeAnswer(response, status, body, extraHeaders);
}

function writeAnswer(
  response: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string>,
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { ...answerHeaders(), "content-length": Buffer.byteLength(payload), ...extraHeaders });
  response.end(payload);
}

/** 404/405 for the rest of /api/zoom/, recorded within the rejected-delivery budget; the body is not read. */
export async function handleOtherZoomRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let answer: { status: number; body: unknown; headers?: Record<string, string> } = {
    status: 404,
    body: { error: { code: "not_found", message: "Not found." } },
  };
  try {
    answer = await rejectUnknownZoomPath(
      headerSource(request),
      request.method ?? "GET",
      (request.url ?? "").slice(0, 2000),
      Date.now(),
    );
  } catch (error) {
    log.error("unknown zoom path handler failed", { error: errorMessage(error) });
  }
  // An unread body would be taken for the connection's next request.
  const unread = request.headers["content-length"] !== undefined || request.headers["transfer-encoding"] !== undefined;
  writeAnswer(response, answer.status, answer.body, {
    ...(answer.headers ?? {}),
    ...(unread && !request.complete ? { connection: "close" } : {}),
  });
}
