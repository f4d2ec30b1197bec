// Sending, as Zoom does: signed, a fresh tracking ID per attempt, 3 s is all Zoom waits; and
// Zoom's retries of every event that did not get a 200.
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { signBody } from "../../lib/zoom/signature";
import { TEST_WEBHOOK_SECRET } from "../helpers/env";
import type { Delivery, Scenario } from "./scenario";

export interface Attempt {
  delivery: Delivery;
  target: string;
  startedAt: number;
  ms: number;
  status: number | "error";
  outcome: string | null;
  error?: string;
}

async function deliver(delivery: Delivery, target: string): Promise<Attempt> {
  const timestamp = Math.floor(Date.now() / 1000);
  const startedAt = Date.now();
  try {
    const response = await fetch(`${target}/api/zoom/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a (drill)",
        "x-zm-request-timestamp": String(timestamp),
        "x-zm-signature": signBody(TEST_WEBHOOK_SECRET, timestamp, delivery.body),
        "x-zm-trackingid": `Webhook_drill_${crypto.randomUUID().replace(/-/g, "")}`,
      },
      body: delivery.body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let outcome: string | null = null;
    try {
      outcome =
        (JSON.parse(text) as { status?: string; error?: { code?: string } }).status ??
        (JSON.parse(text) as { error?: { code?: string } }).error?.code ??
        null;
    } catch {
      outcome = text.slice(0, 80);
    }
    return { delivery, target, startedAt, ms: Date.now() - startedAt, status: response.status, outcome };
  } catch (error) {
    return {
      delivery,
      target,
      startedAt,
      ms: Date.now() - startedAt,
      status: "error",
      outcome: null,
      error:
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error),
    };
  }
}

/** Sends every delivery with `concurrency` in flight (optionally paced to `perSecond`). */
export async function sendAll(
  deliveries: Delivery[],
  options: {
    target: (delivery: Delivery, position: number) => string;
    concurrency: number;
    perSecond?: number;
    onAttempt?: (attempt: Attempt, done: number) => void;
  },
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let next = 0;
  const started = Date.now();
  const workers = Array.from({ length: Math.min(options.concurrency, deliveries.length) }, async () => {
    for (;;) {
      const position = next++;
      if (position >= deliveries.length) return;
      if (options.perSecond) {
        const due = started + (position * 1000) / options.perSecond;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const attempt = await deliver(deliveries[position], options.target(deliveries[position], position));
      attempts.push(attempt);
      options.onAttempt?.(attempt, attempts.length);
    }
  });
  await Promise.all(workers);
  return attempts;
}

/** Zoom's retries: every event that never got a 200 is sent again until it does (or `rounds` runs out). */
export async function retryUnacknowledged(
  all: Attempt[],
  scenario: Scenario,
  target: () => string,
  rounds = 10,
): Promise<{ retried: number; attempts: Attempt[] }> {
  const acknowledged = new Set(
    all.filter((attempt) => attempt.status === 200).map((attempt) => attempt.delivery.dedupeKey),
  );
  const retriedKeys = new Set<string>();
  const attempts: Attempt[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const pending = scenario.events.filter((event) => !acknowledged.has(event.dedupeKey));
    if (pending.length === 0) break;
    if (round > 0) await sleep(1000);
    for (const event of pending) retriedKeys.add(event.dedupeKey);
    const results = await sendAll(pending, { target: () => target(), concurrency: 16 });
    attempts.push(...results);
    for (const result of results) if (result.status === 200) acknowledged.add(result.delivery.dedupeKey);
  }
  return { retried: retriedKeys.size, attempts };
}

/** The events that were answered 200 at least once. */
export function acknowledgedKeys(attempts: Attempt[]): Set<string> {
  return new Set(attempts.filter((attempt) => attempt.status === 200).map((attempt) => attempt.delivery.dedupeKey));
}
