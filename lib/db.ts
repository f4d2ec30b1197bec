// The one Prisma client of the process (engine-free client + node-postgres driver adapter), on
// the one connection pool of the process. The pool is also lent to the webhook's store statement
// (lib/events/store.ts), the hot path, which runs as a prepared statement (ADR 008).
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { setting } from "./config";
import { Prisma, PrismaClient } from "./generated/prisma/client";
import { errorMessage, log } from "./log";

const globalForPrisma = globalThis as unknown as { rollcallPrisma?: PrismaClient; rollcallPool?: pg.Pool };

/** The process's Postgres connection pool (DATABASE_URL, DATABASE_POOL_SIZE connections). */
export function getPool(): pg.Pool {
  if (!globalForPrisma.rollcallPool) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) {
      throw new Error("DATABASE_URL is not set: start Rollcall with `npm run dev` or `npm start`, which provide one");
    }
    const pool = new pg.Pool({
      connectionString,
      max: setting("DATABASE_POOL_SIZE"),
      // Fail fast when Postgres is unreachable, so a webhook gets its 503 well inside Zoom's 3 s.
      connectionTimeoutMillis: 1500,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection dropped by the server (a Postgres restart) must not take the process down.
    pool.on("error", (error) => log.warn("idle database connection lost", { error: errorMessage(error) }));
    globalForPrisma.rollcallPool = pool;
  }
  return globalForPrisma.rollcallPool;
}

function createClient(): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(getPool()) });
}

/** Lazily created so that importing this module never needs a database. */
export function getPrisma(): PrismaClient {
  globalForPrisma.rollcallPrisma ??= createClient();
  return globalForPrisma.rollcallPrisma;
}

/** A write refused by a unique index (Prisma's P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Disconnects the client and closes the pool, so a command-line process can exit at once. */
async function disconnectDatabase(): Promise<void> {
  const client = globalForPrisma.rollcallPrisma;
  const pool = globalForPrisma.rollcallPool;
  globalForPrisma.rollcallPrisma = undefined;
  globalForPrisma.rollcallPool = undefined;
  await client?.$disconnect();
  await pool?.end();
}

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    // The pool is ours, not the adapter's: `prisma.$disconnect()` closes both.
    if (property === "$disconnect") return disconnectDatabase;
    const client = getPrisma();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export type { PrismaClient } from "./generated/prisma/client";

/** The client inside `prisma.$transaction(async (tx) => …)`: what a function joining its caller's transaction takes. */
export type Tx = Prisma.TransactionClient;
