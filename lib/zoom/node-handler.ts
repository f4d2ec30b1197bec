// The webhook endpoint served straight from Node's HTTP server (scripts/serve.ts), in front of
// Next's router. Zoom's deliveries are the hot path (a class of 500 sends thousands at its start
// and end), and Next's request pipeline cost ~3 ms of CPU per delivery — several times the work of
// verifying and storing the event. Same function as the route handler: lib/zoom/receive.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { receiveWebhook } from "./receive";
import { errorMessage, log } from "../log";

export const WEBHOOK_PATH = "/api/zoom/webhook";

export function isWebhookRequest(request: IncomingMessage): boolean {
  return request.method === "POST" && (request.url === WEBHOOK_PATH || request.url?.startsWith(`${WEBHOOK_PATH}?`) === true);
}

export async function handleWebhookRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const webRequest = new Request(`http://internal${request.url}`, {
    method: "POST",
    headers,
    body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  let status = 500;
  let body: unknown = { error: { code: "internal", message: "The event could not be processed; Zoom will retry." } };
  let extraHeaders: Record<string, string> = {};
  try {
    const answer = await receiveWebhook(webRequest, Date.now());
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
