// npm run simulate -- --url <webhook url> --secret <token> [--scenario class] [options]
// Sends correctly signed, realistic Zoom events to a Rollcall webhook endpoint, each at the
// moment it happens (events already in the past are sent at once). Schools use it to test
// their own deployment; `npm run demo` runs it against the local server.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { setting } from "../lib/config";
import { classScenario, type SimulatedParticipant } from "../lib/simulator/scenario";
import { signBody } from "../lib/zoom/signature";
import { DEMO_MEETING_ID, DEMO_STUDENTS, DEMO_USERS } from "../lib/demo/seed";

function defaultSecret(): string | undefined {
  if (process.env.ZOOM_WEBHOOK_SECRET_TOKEN) return process.env.ZOOM_WEBHOOK_SECRET_TOKEN.split(",")[0].trim();
  try {
    const file = path.join(setting("ROLLCALL_DATA_DIR"), "dev-secrets.json");
    return JSON.parse(fs.readFileSync(file, "utf8")).ZOOM_WEBHOOK_SECRET_TOKEN;
  } catch {
    return undefined;
  }
}

function readRoster(file: string): SimulatedParticipant[] {
  const lines = fs
    .readFileSync(file, "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter(Boolean);
  const header = lines[0]
    .toLowerCase()
    .split(",")
    .map((cell) => cell.trim());
  const nameColumn = header.indexOf("name");
  const emailColumn = header.indexOf("email");
  const registrantColumn = header.indexOf("zoom_registrant_id");
  const phoneColumn = header.indexOf("phone");
  return lines.slice(1).map((line) => {
    const cells = line.split(",").map((cell) => cell.trim());
    return {
      name: cells[nameColumn],
      email: cells[emailColumn] || null,
      registrantId: registrantColumn >= 0 ? cells[registrantColumn] || null : null,
      phone: phoneColumn >= 0 ? cells[phoneColumn] || null : null,
    };
  });
}

export async function sendDelivery(
  url: string,
  secret: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Zoom Marketplace/1.0a",
      "x-zm-request-timestamp": String(timestamp),
      "x-zm-signature": signBody(secret, timestamp, raw),
      "x-zm-trackingid": `Webhook_${crypto.randomUUID().replace(/-/g, "")}`,
      "x-zm-request-id": crypto.randomUUID(),
    },
    body: raw,
  });
  return { status: response.status, text: await response.text() };
}

export interface SimulateOptions {
  url: string;
  secret: string;
  meetingId: string;
  startsAt: Date;
  durationMinutes: number;
  participants?: SimulatedParticipant[];
  /** the host (default: the demo instructor) */
  host?: SimulatedParticipant;
  replay?: boolean;
  log?: (line: string) => void;
}

export async function simulateClass(options: SimulateOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const participants: SimulatedParticipant[] =
    options.participants ??
    DEMO_STUDENTS.map((student) => ({
      name: student.name,
      email: student.email,
      registrantId: student.zoomRegistrantId,
      phone: "phone" in student ? student.phone : null,
    }));
  // The first participant after the scenario's eight with a phone number calls in.
  const dialIn = participants.slice(8).find((participant) => participant.phone);
  const deliveries = classScenario({
    meetingId: options.meetingId,
    startsAt: options.startsAt,
    durationMinutes: options.durationMinutes,
    participants,
    // A breakout round, the instructor as host, and a student on the roster with a phone dialling in.
    breakoutRound: true,
    host: options.host ?? { name: DEMO_USERS.instructor.name, email: DEMO_USERS.instructor.email },
    dialIn: dialIn ? { name: dialIn.name, email: null, phone: dialIn.phone } : undefined,
  });
  for (const delivery of deliveries) {
    const wait = delivery.sendAt.getTime() - Date.now();
    if (wait > 0 && !options.replay) await new Promise((resolve) => setTimeout(resolve, wait));
    let result: { status: number; text: string };
    for (let attempt = 1; ; attempt += 1) {
      try {
        result = await sendDelivery(options.url, options.secret, delivery.body);
        if (result.status < 500 || attempt >= 5) break;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt)); // like Zoom, retry 5xx
    }
    log(`${new Date().toISOString()}  ${String(delivery.body.event).padEnd(28)} ${result.status}  ${delivery.note}`);
  }
}

async function main() {
  const program = new Command()
    .name("simulate")
    .description("Send signed, realistic Zoom webhook traffic for one class to a Rollcall endpoint.")
    .option("--url <url>", "webhook URL", `http://localhost:${setting("PORT")}/api/zoom/webhook`)
    .option("--secret <token>", "the Zoom app's Secret Token (default: ZOOM_WEBHOOK_SECRET_TOKEN, or the demo secret)")
    .option("--scenario <name>", "scenario to play (class)", "class")
    .option("--meeting-id <id>", "Zoom meeting ID of the session", DEMO_MEETING_ID)
    .option("--start <iso>", "when the class starts (ISO 8601; default: 3 minutes ago)")
    .option("--duration <minutes>", "class length in minutes", "60")
    .option("--roster <csv>", "name,email[,zoom_registrant_id] CSV of participants (default: the demo roster)")
    .option("--replay", "send every event at once instead of in real time")
    .parse();
  const options = program.opts<{
    url: string;
    secret?: string;
    scenario: string;
    meetingId: string;
    start?: string;
    duration: string;
    roster?: string;
    replay?: boolean;
  }>();
  if (options.scenario !== "class") throw new Error(`Unknown scenario "${options.scenario}" (available: class)`);
  const secret = options.secret ?? defaultSecret();
  if (!secret) throw new Error("No secret: pass --secret <your Zoom app's Secret Token>");
  const startsAt = options.start ? new Date(options.start) : new Date(Date.now() - 3 * MINUTE_MS);
  if (Number.isNaN(startsAt.getTime())) throw new Error("--start must be an ISO 8601 time");
  const durationMinutes = Number(options.duration);
  if (!Number.isInteger(durationMinutes) || durationMinutes < 1)
    throw new Error("--duration must be a whole number of minutes");
  console.log(
    `Simulating a ${durationMinutes}-minute class of meeting ${options.meetingId} from ${startsAt.toISOString()} to ${options.url}`,
  );
  await simulateClass({
    url: options.url,
    secret,
    meetingId: options.meetingId.replace(/\s+/g, ""),
    startsAt,
    durationMinutes,
    participants: options.roster ? readRoster(options.roster) : undefined,
    replay: options.replay,
  });
  console.log("Scenario complete.");
}

const MINUTE_MS = 60_000;

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("simulate.ts")) {
  main().catch((error: unknown) => {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
