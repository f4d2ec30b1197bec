// The webhook endpoint served straight from Node's HTTP server (scripts/serve.ts), in front of
// Next's router. Zoom's deliveries are the hot path (a class of 500 sends thousands at its start
// and end), and Next's request pipeline cost ~3 ms of CPU per delivery — several times the work of
// verifying and storing the event. Same function as the route handler: lib/zoom/receive.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_BODY_BYTES, receiveWebhookBody, type HeaderSource } from "./receive";
import { errorMessage, log } from "../log";

export const WEBHOOK_PATH = "/api/zoom/webhook";

export function isWebhookRequest(request: IncomingMessage): boolean {
  return request.method === "POST" && (request.url === WEBHOOK_PATH || request.url?.startsWith(`${WEBHOOK_PATH}?`) === true);
}

/** Node's header object as receipt reads headers (lower-case names; repeated values joined). */
function headerSource(request: IncomingMessage): HeaderSource {
  const value = (raw: string | string[] | undefined) => (raw === undefined ? null : Array.isArray(raw) ? raw.join(", ") : raw);
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
      if (!request.complete && total <= MAX_BODY_BYTES) reject(new Error("the request was aborted before its body arrived"));
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
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    ...extraHeaders,
  });
  response.end(payload);
}
