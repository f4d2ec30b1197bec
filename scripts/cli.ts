// npm run rollcall -- <command>: administration from the command line (SPEC "Administration").
import { Command, CommanderError } from "commander";
import { resolveDatabase } from "../lib/db/resolve";
import { applyMigrations } from "../lib/db/migrate";
import { prisma } from "../lib/db";
import { createUser, UserExistsError } from "../lib/services/users";
import { createApiToken, revokeApiToken } from "../lib/services/tokens";
import { ZodError } from "zod";

async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  const database = await resolveDatabase();
  await applyMigrations(database.url);
  try {
    return await work();
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

const program = new Command()
  .name("rollcall")
  .description("Rollcall administration. Uses DATABASE_URL, or the embedded database under .data/ when unset.")
  .exitOverride();

const user = program.command("user").description("manage users");
user
  .command("create")
  .description("create a user (prints a generated password when --password is not given)")
  .requiredOption("--email <email>", "sign-in email")
  .requiredOption("--name <name>", "full name")
  .requiredOption("--role <role>", "admin or instructor")
  .option("--password <password>", "password (at least 10 characters)")
  .action(async (options: { email: string; name: string; role: string; password?: string }) => {
    await withDatabase(async () => {
      const created = await createUser({ email: options.email, name: options.name, role: options.role as "admin", password: options.password });
      console.log(`Created ${options.role} ${created.email} (${created.id})`);
      if (created.generatedPassword) console.log(`Password: ${created.generatedPassword}`);
    });
  });
user
  .command("list")
  .description("list users")
  .action(async () => {
    await withDatabase(async () => {
      const users = await prisma.user.findMany({ orderBy: { email: "asc" } });
      for (const entry of users) {
        console.log([entry.email, entry.role, entry.name, entry.disabledAt ? "disabled" : "active"].join("\t"));
      }
    });
  });

const token = program.command("token").description("manage API tokens");
token
  .command("create")
  .description("create an API token for a user; the token is printed alone on the last line")
  .requiredOption("--email <email>", "the user's email")
  .option("--name <name>", "a label for the token", "CLI token")
  .action(async (options: { email: string; name: string }) => {
    await withDatabase(async () => {
      const owner = await prisma.user.findUnique({ where: { email: options.email.trim().toLowerCase() } });
      if (!owner) throw new Error(`No user with email ${options.email}`);
      const created = await createApiToken(owner.id, options.name);
      console.log(`Created API token ${created.id} for ${owner.email} (${owner.role}). It is shown once:`);
      console.log(created.token);
    });
  });
token
  .command("revoke")
  .description("revoke an API token by its id")
  .argument("<id>", "token id (from `token list`)")
  .action(async (id: string) => {
    await withDatabase(async () => {
      if (!(await revokeApiToken(id))) throw new Error(`No active token with id ${id}`);
      console.log(`Revoked ${id}`);
    });
  });
token
  .command("list")
  .description("list API tokens")
  .action(async () => {
    await withDatabase(async () => {
      const tokens = await prisma.apiToken.findMany({ include: { user: true }, orderBy: { createdAt: "asc" } });
      for (const entry of tokens) {
        console.log([entry.id, entry.prefix + "…", entry.user.email, entry.name, entry.revokedAt ? "revoked" : "active", entry.lastUsedAt?.toISOString() ?? "never used"].join("\t"));
      }
    });
  });

export { program };

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ZodError) {
    for (const issue of error.issues) console.error(`Error: ${String(issue.path[0] ?? "input")}: ${issue.message}`);
  } else if (error instanceof UserExistsError || error instanceof Error) {
    console.error(`Error: ${error.message}`);
  } else {
    console.error(`Error: ${String(error)}`);
  }
  process.exit(1);
});
