// A throw-away Postgres cluster for the test run (embedded; no Postgres service needed), with a
// migrated template database that each test file clones for isolation.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";

export const TEMPLATE_DATABASE = "rollcall_template";

export async function startTestCluster(dataDir: string): Promise<EmbeddedDatabase> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const cluster = await startEmbeddedPostgres({ dataDir, database: TEMPLATE_DATABASE, port: 0, quiet: true });
  await applyMigrations(cluster.url);
  return cluster;
}

/** Creates a fresh, migrated database cloned from the template; returns its URL. */
export async function createDatabaseFromTemplate(clusterUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: clusterUrl.replace(/\/[^/]+$/, "/postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  return clusterUrl.replace(/\/[^/]+$/, `/${name}`);
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`.toLowerCase();
}

export const testDataDir = path.resolve(process.env.ROLLCALL_TEST_DIR ?? ".data/test");
