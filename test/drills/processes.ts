// The processes a drill starts and breaks: Rollcall's own (through the tests' one server starter,
// test/helpers/server.ts) and a Postgres that can be stopped and started again.
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";
import { startServer, type RunningServer } from "../helpers/server";

/**
 * A production Rollcall process for a drill: the all-in-one server (web + worker thread), a web
 * process alone (WORKER=off), or `scripts/worker.ts`. Its output goes to `<logDir>/<label>.log`,
 * and a server's webhook route is warmed up as a deployed one would be.
 */
export function startDrillProcess(options: {
  label: string;
  databaseUrl: string;
  role?: "all-in-one" | "web" | "worker";
  port?: number;
  logDir?: string;
}): Promise<RunningServer> {
  const role = options.role ?? "all-in-one";
  return startServer({
    label: options.label,
    databaseUrl: options.databaseUrl,
    port: options.port,
    script: role === "worker" ? "scripts/worker.ts" : "scripts/serve.ts",
    env: { WORKER: role === "web" ? "off" : "on" },
    logFile: options.logDir ? path.join(options.logDir, `${options.label}.log`) : undefined,
    warmUp: true,
  });
}

/** A Postgres that can be stopped and started again on the same port and data (drill c). */
export class Cluster {
  private running: EmbeddedDatabase | null = null;
  /** The superuser's password for this drill's cluster (there is no fixed one). */
  private readonly password = crypto.randomBytes(18).toString("base64url");
  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly database = "rollcall_drill",
  ) {}

  get url(): string {
    return `postgresql://postgres:${this.password}@127.0.0.1:${this.port}/${this.database}`;
  }

  async start(): Promise<void> {
    this.running = await startEmbeddedPostgres({
      dataDir: this.dataDir,
      port: this.port,
      database: this.database,
      quiet: true,
      password: this.password,
    });
    if (!this.running.url.includes(`:${this.port}/`))
      throw new Error(`Postgres came back on another port: ${this.running.url}`);
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = null;
  }

  /** A fresh migrated database in this cluster. */
  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url.replace(/\/[^/]+$/, "/postgres") });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = this.url.replace(/\/[^/]+$/, `/${name}`);
    await applyMigrations(url);
    return url;
  }
}
