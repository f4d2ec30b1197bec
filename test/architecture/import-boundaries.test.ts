// The layer rules in eslint.config.mjs (docs/ARCHITECTURE.md) must really refuse a backwards import,
// and must accept the imports the code makes today. Each case lints a small source text as if it
// were a file at that path, through ESLint's own API and the project's config.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result.messages
    .filter((message) => message.ruleId === "import/no-restricted-paths" || message.ruleId === "no-restricted-imports")
    .map((message) => message.message);
}

describe("import boundaries", () => {
  it.each([
    [
      "the pure engine reads the database",
      "lib/attendance/engine/probe.ts",
      'import { prisma } from "@/lib/db";\nexport const probe = prisma;\n',
    ],
    [
      "the pure engine uses a driver",
      "lib/attendance/engine/probe.ts",
      'import pg from "pg";\nexport const probe = pg;\n',
    ],
    [
      "the engine imports the projection",
      "lib/attendance/engine/probe.ts",
      'import { recomputeSessionAttendance } from "../projection";\nexport const probe = recomputeSession;\n',
    ],
    [
      "the queue imports a feature",
      "lib/queue/probe.ts",
      'import { recomputeSessionAttendance } from "../attendance/projection";\nexport const probe = recomputeSession;\n',
    ],
    [
      "a feature imports the worker",
      "lib/services/probe.ts",
      'import { startWorker } from "@/lib/worker";\nexport const probe = startWorker;\n',
    ],
    ["Zoom's adapter stores", "lib/zoom/probe.ts", 'import { prisma } from "../db";\nexport const probe = prisma;\n'],
    [
      "lib imports a page",
      "lib/services/probe.ts",
      'import page from "@/app/(dashboard)/page";\nexport const probe = page;\n',
    ],
    [
      "a component imports a server action file",
      "components/probe.tsx",
      'import { reconcileNowAction } from "@/app/(dashboard)/sessions/[sessionId]/reconcile-actions";\nexport const probe = reconcileNowAction;\n',
    ],
    [
      "a page enters webhook receipt",
      "app/(dashboard)/probe/page.tsx",
      'import { MAX_BODY_BYTES } from "@/lib/webhook/receive";\nexport const probe = MAX_BODY_BYTES;\n',
    ],
    [
      "product code imports a test helper",
      "lib/services/probe.ts",
      'import { startServer } from "../../test/helpers/server";\nexport const probe = startServer;\n',
    ],
  ])(
    "refuses: %s",
    async (_case, file, source) => {
      expect(await boundaryErrors(file, source)).not.toEqual([]);
    },
    60_000,
  );

  it.each([
    [
      "the engine imports the rules",
      "lib/attendance/engine/probe.ts",
      'import { normalizeEmail } from "../rules";\nexport const probe = normalizeEmail;\n',
    ],
    [
      "the projection imports the engine and the database",
      "lib/attendance/probe.ts",
      'import { prisma } from "../db";\nimport { computeSessionAttendance } from "./engine";\nexport const probe = [prisma, computeSessionAttendance];\n',
    ],
    [
      "a service adds a job",
      "lib/services/probe.ts",
      'import { enqueueRecompute } from "../queue/enqueue";\nexport const probe = enqueueRecompute;\n',
    ],
    [
      "the webhook route enters receipt",
      "app/api/zoom/webhook/probe.ts",
      'import { MAX_BODY_BYTES } from "@/lib/webhook/receive";\nexport const probe = MAX_BODY_BYTES;\n',
    ],
    [
      "the worker script starts the worker",
      "scripts/probe.ts",
      'import { startWorker } from "../lib/worker";\nexport const probe = startWorker;\n',
    ],
  ])(
    "accepts: %s",
    async (_case, file, source) => {
      expect(await boundaryErrors(file, source)).toEqual([]);
    },
    60_000,
  );
});
