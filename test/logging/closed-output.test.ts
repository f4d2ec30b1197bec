// A server whose log reader has gone away (the pipe to a supervisor or a `| tee` closed) keeps
// serving and stays idle. Without a listener for the pipe's EPIPE error, every log line became an
// uncaught exception whose report was itself written to the closed pipe: a loop that held a core
// at 100 % for as long as the process lived (seen with a server orphaned by a crashed benchmark).
import fs from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { postWebhook, startServer, type RunningServer } from "../helpers/server";
import { participantJoined, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";

let server: RunningServer;
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await useFreshDatabase("closed_output");
  server = await startServer({ databaseUrl });
});

afterAll(async () => {
  await server?.stop("SIGKILL");
});

/** CPU time (user + system) the process has used, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

describe("a server whose stdout and stderr readers are gone", () => {
  it("keeps answering and does not spin", async () => {
    const pid = server.process.pid!;
    server.process.stdout?.destroy();
    server.process.stderr?.destroy();
    // Work that writes log lines: webhooks (stored, and one with a bad signature), then the worker's jobs.
    const meetingId = uniqueMeetingId();
    const uuid = uniqueUuid();
    for (let index = 0; index < 5; index += 1) {
      const response = await postWebhook(
        server.url,
        participantJoined({ meetingId, uuid, userId: `1600${index}`, name: `Student ${index}`, joinTime: new Date() }),
      );
      expect(response.status).toBe(200);
    }
    expect((await postWebhook(server.url, { event: "meeting.started" }, { secret: "not-the-secret" })).status).toBe(
      401,
    );
    // Cut the server's database connections: its pools log "idle database connection lost".
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const cut = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    await admin.end();
    expect(cut.rowCount).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const before = cpuTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const usedTicks = cpuTicks(pid) - before;
    // Idle with its worker polling: a few ticks (of 100 per second). The loop used all 200.
    expect(usedTicks).toBeLessThan(60);
    expect(server.process.exitCode).toBeNull();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});
