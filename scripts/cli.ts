// npm run rollcall -- <command>: administration from the command line (README "Command line").
// Every command goes through the same services as the dashboard, so its changes are in the audit log.
import { Command, CommanderError } from "commander";
import { ConfigError } from "../lib/config";
import { resolveDatabase } from "../lib/db/resolve";
import { applyMigrations } from "../lib/db/migrate";
import { prisma } from "../lib/db";
import { createUser, resetPassword, UserExistsError } from "../lib/services/users";
import { createApiToken, parseTokenLifetime, revokeApiToken, tokenScope } from "../lib/services/tokens";
import { ZodError } from "zod";
import {
  allCoursesAttendanceExport,
  courseAttendanceExport,
  sessionAttendanceExport,
  type ExportFile,
} from "../lib/exports/attendance";
import { exportRangeSchema, optionalExportRangeSchema } from "../lib/exports/range";
import { writeExport } from "../lib/exports/write";

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
      const created = await createUser({
        email: options.email,
        name: options.name,
        role: options.role as "admin",
        password: options.password,
      });
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

user
  .command("set-password")
  .description("set a user's password (prints a generated one when --password is not given); ends all their sessions")
  .requiredOption("--email <email>", "the user's email")
  .option("--password <password>", "the new password (at least 10 characters)")
  .action(async (options: { email: string; password?: string }) => {
    await withDatabase(async () => {
      const reset = await resetPassword(options.email, options.password, null);
      console.log(`Password of ${reset.email} changed; their sessions have ended.`);
      if (reset.generatedPassword) console.log(`Password: ${reset.generatedPassword}`);
    });
  });

const token = program.command("token").description("manage API tokens");
token
  .command("create")
  .description("create an API token for a user; the token is printed alone on the last line")
  .requiredOption("--email <email>", "the user's email")
  .option("--name <name>", "a label for the token", "CLI token")
  .option("--read-only", "the token may only read: every write (POST, PUT, PATCH, DELETE) answers 403")
  .option(
    "--expires-in <lifetime>",
    "the token stops working after this long: days or hours, e.g. 90d or 12h (default: never)",
  )
  .action(async (options: { email: string; name: string; readOnly?: boolean; expiresIn?: string }) => {
    // Checked before touching the database, so a typo fails fast.
    const lifetimeMs = options.expiresIn === undefined ? null : parseTokenLifetime(options.expiresIn);
    await withDatabase(async () => {
      const owner = await prisma.user.findUnique({ where: { email: options.email.trim().toLowerCase() } });
      if (!owner) throw new Error(`No user with email ${options.email}`);
      if (owner.disabledAt) throw new Error(`${owner.email} is disabled: enable the account first`);
      const created = await createApiToken(owner.id, {
        name: options.name,
        readOnly: options.readOnly === true,
        expiresAt: lifetimeMs === null ? null : new Date(Date.now() + lifetimeMs),
      });
      const expiry = created.expiresAt ? `expires ${created.expiresAt.toISOString()}` : "never expires";
      console.log(
        `Created ${tokenScope(created)} API token ${created.id} for ${owner.email} (${owner.role}), ${expiry}. It is shown once:`,
      );
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
  .description("list API tokens: id, prefix, owner, name, scope, status, expiry, last use (tab-separated)")
  .action(async () => {
    await withDatabase(async () => {
      const tokens = await prisma.apiToken.findMany({ include: { user: true }, orderBy: { createdAt: "asc" } });
      const now = Date.now();
      for (const entry of tokens) {
        const status = entry.revokedAt
          ? "revoked"
          : entry.expiresAt && entry.expiresAt.getTime() <= now
            ? "expired"
            : "active";
        console.log(
          [
            entry.id,
            entry.prefix + "…",
            entry.user.email,
            entry.name,
            tokenScope(entry),
            status,
            entry.expiresAt ? `expires ${entry.expiresAt.toISOString()}` : "never expires",
            entry.lastUsedAt ? `last used ${entry.lastUsedAt.toISOString()}` : "never used",
          ].join("\t"),
        );
      }
    });
  });

interface ExportOptions {
  session?: string;
  course?: string;
  all?: boolean;
  from?: string;
  to?: string;
  out?: string;
  bom?: boolean;
}

program
  .command("export")
  .description("write attendance CSV (the same file as the API's exports) to stdout or --out")
  .option("--session <id>", "one session: a row per student, then the guests")
  .option(
    "--course <id>",
    "one course: a row per student per session starting in --from..--to (every session so far without them)",
  )
  .option("--all", "every course: a row per student per session starting in --from..--to")
  .option("--from <date>", "first day, YYYY-MM-DD in each course's time zone (with --course or --all)")
  .option("--to <date>", "last day, YYYY-MM-DD, included (with --course or --all)")
  .option("--out <file>", "write to this file (replaced only once the export is complete) instead of stdout")
  .option("--bom", "start with a UTF-8 byte-order mark, for Excel")
  .addHelpText(
    "after",
    `
Examples:
  npm run --silent rollcall -- export --session cm3x0s9k20001 > class.csv
  npm run --silent rollcall -- export --course cm3x0abc0000 --from 2026-09-01 --to 2026-12-20 --out fall.csv
  npm run --silent rollcall -- export --all --from "$(date -d yesterday +%F)" --to "$(date -d yesterday +%F)" --out /srv/sis/attendance.csv`,
  )
  .action(async (options: ExportOptions) => {
    const targets = [options.session !== undefined, options.course !== undefined, options.all === true].filter(
      Boolean,
    ).length;
    if (targets !== 1) throw new Error("Choose one of --session <id>, --course <id> or --all");
    if (options.session !== undefined && (options.from || options.to))
      throw new Error("--from and --to go with --course or --all, not --session");
    // A course may be exported whole (no dates); every course needs a range.
    const rangeInput = { from: options.from, to: options.to };
    const range = options.all
      ? exportRangeSchema.parse(rangeInput)
      : options.course !== undefined
        ? optionalExportRangeSchema.parse(rangeInput)
        : null;
    await withDatabase(async () => {
      const exportOptions = { bom: options.bom === true };
      let file: ExportFile;
      if (options.session !== undefined) {
        const found = await sessionAttendanceExport(options.session, exportOptions);
        if (!found) throw new Error(`No session with id ${options.session}`);
        file = found;
      } else if (options.course !== undefined) {
        const course = await prisma.course.findUnique({ where: { id: options.course } });
        if (!course) throw new Error(`No course with id ${options.course}`);
        file = courseAttendanceExport(course, range, exportOptions);
      } else {
        file = allCoursesAttendanceExport(range!, exportOptions);
      }
      const written = await writeExport(file.stream, options.out);
      if (options.out)
        console.error(`Wrote ${written.toLocaleString("en-US")} bytes to ${options.out} (${file.filename})`);
    });
  });

export { program };

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(problem);
  } else if (error instanceof ZodError) {
    for (const issue of error.issues) console.error(`Error: ${String(issue.path[0] ?? "input")}: ${issue.message}`);
  } else if (error instanceof UserExistsError || error instanceof Error) {
    console.error(`Error: ${error.message}`);
  } else {
    console.error(`Error: ${String(error)}`);
  }
  process.exit(1);
});
