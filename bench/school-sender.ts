// bench:school's webhook sender, on a thread of its own: Zoom's senders are not the instructors'
// browsers, so the answer times must not include the time this benchmark's 100 SSE streams keep
// its main thread busy (parsing messages, matching rows). Sends each planned webhook at its due
// time, at most `connections` in flight, retrying a failed connection as Zoom does.
import { parentPort, workerData } from "node:worker_threads";
import { postWebhook } from "../test/helpers/server";

export interface SenderInput {
  serverUrl: string;
  connections: number;
  /** in sending order: when (epoch ms) and what */
  schedule: { dueAt: number; body: unknown }[];
}

export interface SentAnswer {
  /** index into the schedule */
  index: number;
  /** ms from sending the request to the end of the answer's body */
  latency: number;
  /** epoch ms */
  sentAt: number;
  answeredAt: number;
  status: number;
}

export interface SenderOutput {
  answers: SentAnswer[];
  networkErrors: number;
}

async function send({ serverUrl, connections, schedule }: SenderInput): Promise<SenderOutput> {
  const answers: SentAnswer[] = [];
  let networkErrors = 0;
  let inFlight = 0;
  const queue: (() => void)[] = [];
  const acquire = () =>
    inFlight < connections ? (inFlight++, Promise.resolve()) : new Promise<void>((resolve) => queue.push(resolve));
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else inFlight -= 1;
  };
  await Promise.all(
    schedule.map(async ({ dueAt, body }, index) => {
      const wait = dueAt - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // A delivery that waits for a connection is timed from when it is sent.
      await acquire();
      try {
        for (let attempt = 1; ; attempt += 1) {
          const sent = performance.now();
          const sentAt = Date.now();
          try {
            const response = await postWebhook(serverUrl, body);
            await response.arrayBuffer();
            answers.push({
              index,
              latency: performance.now() - sent,
              sentAt,
              answeredAt: Date.now(),
              status: response.status,
            });
            break;
          } catch (error) {
            networkErrors += 1;
            if (attempt >= 3) throw error;
          }
        }
      } finally {
        release();
      }
    }),
  );
  return { answers, networkErrors };
}

// A failure rejects unhandled, which ends the thread with an "error" event for bench/school.ts.
if (parentPort) {
  const port = parentPort;
  void send(workerData as SenderInput).then((output) => port.postMessage(output));
}
