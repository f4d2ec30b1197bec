import { NextResponse } from "next/server";
import { receiveWebhook } from "@/lib/webhook/receive";
import { errorMessage, log } from "@/lib/log";

export const dynamic = "force-dynamic";

/** Zoom's webhook endpoint: verify, store, answer (the work itself happens in the worker). */
export async function POST(request: Request) {
  try {
    const answer = await receiveWebhook(request, Date.now());
    return NextResponse.json(answer.body, { status: answer.status, headers: answer.headers });
  } catch (error) {
    log.error("webhook handler failed", { error: errorMessage(error) });
    return NextResponse.json(
      { error: { code: "internal", message: "The event could not be processed; Zoom will retry." } },
      { status: 500 },
    );
  }
}
