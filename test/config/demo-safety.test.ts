// Demo accounts never reach production (docs/SECURITY.md): the demo refuses a production
// environment or DATABASE_URL, the seed refuses to write published passwords into such a
// database, a production server refuses to start while an enabled account has a published demo
// password, and the embedded PostgreSQL uses a generated password kept in dev-secrets.json (0600),
// moving a cluster created with the old fixed password over to it.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { useFreshDatabase } from "../helpers/db";
import { testDataDir } from "../helpers/postgres";
import { testServerEnv } from "../helpers/env";
import { DEMO_USERS } from "../../lib/demo/accounts";
import { hashPassword } from "../../lib/passwords";

function runScript(script: string, env: Record<string, string | undefined>, args: string[] = []) {
  return spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("npm run demo", () => {
  it("refuses to run with DATABASE_URL set, with one clear line and exit 1", () => {
    const result = runScript("scripts/demo.ts", {
      NODE_ENV: "development",
      DATABASE_URL: "postgresql://db.school.example/rollcall",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Demo refused: The demo does not run with DATABASE_URL set");
  });

  it("refuses to run with NODE_ENV=production", () => {
    const result = runScript("scripts/demo.ts", { NODE_ENV: "production", DATABASE_URL: "" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Demo refused: The demo does not run with NODE_ENV=production");
  });

  it("keeps its data under .data/demo, apart from the database npm start uses", async () => {
    const { DEMO_DATA_DIRECTORY } = await import("../../lib/demo/accounts");
    expect(DEMO_DATA_DIRECTORY).toBe(path.join(".data", "demo"));
    expect(
      fs
        .readFileSync("scripts/demo.ts", "utf8")
        .split("\n")
        .find((line) => line.startsWith("import")),
    ).toContain("./demo-guard");
  });

  it("the seed will not write the published passwords into a database given by DATABASE_URL", async () => {
    const { seedDemo } = await import("../../lib/demo/seed");
    expect(process.env.DATABASE_URL).toBeTruthy();
    await expect(seedDemo({ startsAt: new Date() })).rejects.toThrow(/DATABASE_URL/);
  });
});

describe("a production start with a demo password left", () => {
  let databaseUrl: string;
  let db: pg.Client;

  beforeAll(async () => {
    databaseUrl = await useFreshDatabase("demo_safety");
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
  });

  async function addUser(email: string, password: string, disabled = false) {
    await db.query(
      `INSERT INTO users (id, email, name, role, "passwordHash", "disabledAt", "updatedAt") VALUES ($1, $2, 'X', 'admin', $3, $4, now())`,
      [crypto.randomUUID(), email, await hashPassword(password), disabled ? new Date() : null],
    );
  }

  it("is refused, naming the account to fix; a changed or disabled demo account is fine", async () => {
    await addUser(DEMO_USERS.admin.email, DEMO_USERS.admin.password);
    await addUser(DEMO_USERS.instructor.email, "a-new-password-of-its-own");
    await addUser(DEMO_USERS.otherInstructor.email, DEMO_USERS.otherInstructor.password, true);
    const result = runScript("scripts/serve.ts", testServerEnv({ DATABASE_URL: databaseUrl, PORT: "1" }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`the account ${DEMO_USERS.admin.email} still has a published demo password`);
    expect(result.stderr).not.toContain(DEMO_USERS.instructor.email);
    expect(result.stderr).not.toContain(DEMO_USERS.otherInstructor.email);

    const { accountsWithDemoPasswords } = await import("../../lib/demo/production-check");
    expect(await accountsWithDemoPasswords()).toEqual([DEMO_USERS.admin.email]);
    await db.query(`UPDATE users SET "disabledAt" = now() WHERE email = $1`, [DEMO_USERS.admin.email]);
    expect(await accountsWithDemoPasswords()).toEqual([]);
  }, 120_000);
});

describe("the embedded PostgreSQL's password", () => {
  const root = path.join(testDataDir, `embedded-${crypto.randomBytes(4).toString("hex")}`);
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("is generated and kept in dev-secrets.json (0600); a cluster made with the old fixed password is moved to it", async () => {
    const { startEmbeddedPostgres, LEGACY_PASSWORD } = await import("../../lib/db/embedded");
    // A data directory as an earlier Rollcall left it: superuser password "postgres".
    const legacy = await startEmbeddedPostgres({
      dataDir: path.join(root, "postgres"),
      password: LEGACY_PASSWORD,
      port: 0,
      quiet: true,
    });
    const legacyClient = new pg.Client({ connectionString: legacy.url });
    await legacyClient.connect();
    await legacyClient.query("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('data from before')");
    await legacyClient.end();
    await legacy.stop();

    // `npm run db:migrate` on that data directory, as after an upgrade (a process of its own, so
    // ROLLCALL_DATA_DIR is read fresh).
    const migrate = runScript(
      "scripts/migrate.ts",
      { ROLLCALL_DATA_DIR: root, DATABASE_URL: "", NODE_ENV: "production" },
      ["deploy"],
    );
    expect(migrate.status, migrate.stderr).toBe(0);
    const secretsFile = path.join(root, "dev-secrets.json");
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    const password = JSON.parse(fs.readFileSync(secretsFile, "utf8")).EMBEDDED_POSTGRES_PASSWORD as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const database = await startEmbeddedPostgres({
      dataDir: path.join(root, "postgres"),
      password,
      port: 0,
      quiet: true,
    });
    try {
      expect(database.url).toContain(`:${password}@`);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      expect((await client.query("SELECT note FROM kept")).rows).toEqual([{ note: "data from before" }]);
      // The migrations were applied too: the data directory is in use as before.
      expect((await client.query("SELECT count(*)::int AS n FROM _prisma_migrations")).rows[0].n).toBeGreaterThan(0);
      await client.end();
      // The fixed password no longer opens it.
      const port = new URL(database.url).port;
      const old = new pg.Client({
        host: "127.0.0.1",
        port: Number(port),
        user: "postgres",
        password: LEGACY_PASSWORD,
        database: "rollcall",
      });
      await expect(old.connect()).rejects.toMatchObject({ code: "28P01" });
    } finally {
      await database.stop();
    }
  }, 120_000);
});
