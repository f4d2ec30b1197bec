// `npm run demo`: the dashboard with demo data and live traffic on http://localhost:3000.
// Refuses a production environment or DATABASE_URL (its accounts' passwords are published), starts
// its own embedded database under .data/demo, seeds the demo course with a class that started
// 3 minutes ago, serves the app in development mode and plays the class scenario.
import "./demo-guard"; // first: exits before anything touches a database, and sets .data/demo
import { spawn } from "node:child_process";
import { setting } from "../lib/config";
import { applyDevelopmentSecrets } from "../lib/dev-secrets";
import { resolveDatabase } from "../lib/db/resolve";
import { applyMigrations } from "../lib/db/migrate";
import { DEMO_MEETING_ID, DEMO_USERS, seedDemo } from "../lib/demo/seed";
import { prisma } from "../lib/db";
import { startDemoMailCatcher } from "../lib/mail/catcher";
import { simulateClass } from "./simulate";

async function main() {
  applyDevelopmentSecrets();
  // Late-joiner emails go to a local catcher (shown under Admin → Caught mail) unless SMTP_URL is set.
  const mailCatcher = await startDemoMailCatcher();
  const port = setting("PORT");
  const database = await resolveDatabase();
  await applyMigrations(database.url);
  const startsAt = new Date(Math.floor((Date.now() - 3 * 60_000) / 60_000) * 60_000);
  const { session } = await seedDemo({ startsAt, durationMinutes: 60 });
  await prisma.$disconnect();

  const server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts", "--dev"], {
    stdio: "inherit",
    env: { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
  });
  server.on("exit", (code) => {
    void mailCatcher?.stop();
    process.exit(code ?? 0);
  });
  const stop = () => server.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const url = `http://localhost:${port}`;
  for (let attempt = 0; attempt < 240; attempt += 1) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(`
  Rollcall demo is running: ${url}
    admin       ${DEMO_USERS.admin.email} / ${DEMO_USERS.admin.password}
    instructor  ${DEMO_USERS.instructor.email} / ${DEMO_USERS.instructor.password}
  Live class:   ${url}/sessions/${session.id}
  Email:        ${mailCatcher ? `caught locally, see ${url}/admin/mail (as admin)` : `sent through ${process.env.SMTP_URL}`}
  Simulated Zoom traffic follows (Ctrl-C stops everything).
`);
  await simulateClass({
    url: `${url}/api/zoom/webhook`,
    secret: process.env.ZOOM_WEBHOOK_SECRET_TOKEN!.split(",")[0],
    meetingId: DEMO_MEETING_ID,
    startsAt: session.startsAt,
    durationMinutes: session.durationMinutes,
  });
}

main().catch((error: unknown) => {
  console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
