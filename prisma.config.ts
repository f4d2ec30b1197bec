import { defineConfig } from "prisma/config";

// Used by Prisma's own CLI where its native engine is available (e.g. `prisma migrate deploy`).
// Here the app applies migrations itself through the WebAssembly engine: see scripts/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/rollcall" },
});
