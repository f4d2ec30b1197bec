// Start-up: migrations on an empty database, and a server that refuses bad configuration.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import pg from "pg";
import { applyMigrations, pendingSchemaSql } from "../../lib/db/migrate";
import { uniqueName } from "../helpers/postgres";
import { testServerEnv } from "../helpers/env";

async function emptyDatabase(): Promise<string> {
  const clusterUrl = process.env.TEST_CLUSTER_URL!;
  const name = uniqueName("empty");
  const admin = new pg.Client({ connectionString: clusterUrl.replace(/\/[^/]+$/, "/postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return clusterUrl.replace(/\/[^/]+$/, `/${name}`);
}

describe("migrations", () => {
  it("apply to an empty database, record themselves like prisma migrate, and apply once", async () => {
    const url = await emptyDatabase();
    const applied = await applyMigrations(url);
    expect(applied.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      const names = tables.rows.map((row) => row.table_name);
      for (const table of [
        "events",
        "sessions",
        "students",
        "courses",
        "users",
        "webhook_deliveries",
        "attendance_records",
        "_prisma_migrations",
      ]) {
        expect(names).toContain(table);
      }
      const recorded = await client.query('SELECT migration_name, finished_at FROM "_prisma_migrations"');
      expect(recorded.rows.map((row) => row.migration_name)).toEqual(applied);
      expect(recorded.rows.every((row) => row.finished_at !== null)).toBe(true);
      const queue = await client.query(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = 'graphile_worker'",
      );
      expect(queue.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("two processes migrating at once do not collide", async () => {
    const url = await emptyDatabase();
    const [first, second] = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    expect([...first, ...second].sort()).toEqual((first.length ? first : second).slice().sort());
  });

  it("prisma/schema.prisma has no changes missing from the migrations", async () => {
    expect(await pendingSchemaSql(process.env.TEST_CLUSTER_URL!)).toBe("");
  });
});

describe("server start-up", () => {
  it("stops with one clear line per bad variable", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      env: {
        ...process.env,
        ...testServerEnv({ AUTH_SECRET: "short", PORT: "not-a-port", DATABASE_URL: "postgresql://unused" }),
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr
      .trim()
      .split("\n")
      .filter((line) => line.startsWith("Configuration error"));
    expect(lines).toContain("Configuration error: AUTH_SECRET must be at least 32 characters long");
    expect(lines).toContain("Configuration error: PORT must be a number");
  });

  it("refuses development default secrets in production", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      env: {
        ...process.env,
        ...testServerEnv({ ZOOM_WEBHOOK_SECRET_TOKEN: "dev-webhook-secret-0123", DATABASE_URL: "postgresql://unused" }),
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("ZOOM_WEBHOOK_SECRET_TOKEN is a development default");
  });
});
