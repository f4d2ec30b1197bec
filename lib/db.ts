// The one Prisma client of the process (engine-free client + node-postgres driver adapter).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

const globalForPrisma = globalThis as unknown as { rollcallPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start Rollcall with `npm run dev` or `npm start`, which provide one");
  }
  const adapter = new PrismaPg({
    connectionString,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
    // Fail fast when Postgres is unreachable, so a webhook gets its 503 well inside Zoom's 3 s.
    connectionTimeoutMillis: 1500,
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}

/** Lazily created so that importing this module never needs a database. */
export function getPrisma(): PrismaClient {
  globalForPrisma.rollcallPrisma ??= createClient();
  return globalForPrisma.rollcallPrisma;
}

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getPrisma();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export type { PrismaClient } from "./generated/prisma/client";
