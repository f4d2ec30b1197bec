// npm run db:migrate            -> apply pending migrations to DATABASE_URL (or the embedded DB)
// npm run db:migration:create -- <name>  -> write prisma/migrations/<stamp>_<name>/migration.sql
//                                            for the changes made to prisma/schema.prisma
import { applyMigrations, createMigration } from "../lib/db/migrate";
import { resolveDatabase } from "../lib/db/resolve";

async function main() {
  const [command, name] = process.argv.slice(2);
  if (command === "deploy") {
    const database = await resolveDatabase();
    const applied = await applyMigrations(database.url, { reportConflicts: "always" });
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations.");
    await database.stop();
    return;
  }
  if (command === "create") {
    if (!name) throw new Error("usage: npm run db:migration:create -- <name>");
    const database = await resolveDatabase();
    const folder = await createMigration(database.url, name);
    await database.stop();
    console.log(folder ? `Created ${folder}` : "prisma/schema.prisma matches the migrations: nothing to create.");
    return;
  }
  throw new Error("usage: tsx scripts/migrate.ts deploy | create <name>");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
