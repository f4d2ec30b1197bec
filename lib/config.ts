// Configuration from environment variables, validated with zod; every variable Rollcall reads is
// here and in the README's configuration table. A missing or malformed variable stops the process
// with one clear line naming it. Servers and workers validate the whole environment at start-up
// (getConfig); the few variables also needed where the rest may be absent (the command line needs
// no webhook secret, but a connection pool and a data directory) are read one at a time with
// `setting`, through the same rules.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "./client-address";

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

/** A whole number in [min, max]; unset or blank: the default. */
const wholeNumber = (name: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.coerce
      .number({ error: `${name} must be a number` })
      .int({ message: `${name} must be a whole number` })
      .min(min, { message: `${name} must be between ${min} and ${max}` })
      .max(max, { message: `${name} must be between ${min} and ${max}` })
      .default(fallback),
  );

/** A directory need not exist yet (it is created when needed), but must not be a file. */
const isNotAFile = (directory: string | undefined) =>
  directory === undefined || !fs.existsSync(directory) || fs.statSync(directory).isDirectory();

/** A directory, as an absolute path (a relative one is taken from the working directory). */
const optionalDirectory = (name: string) =>
  optionalString
    .transform((value) => (value === undefined ? undefined : path.resolve(value)))
    .refine(isNotAFile, { message: `${name} must name a directory, not a file` });

/** The same; unset or blank: `fallback`. */
const directoryOr = (name: string, fallback: string) =>
  optionalString
    .transform((value) => path.resolve(value ?? fallback))
    .refine(isNotAFile, { message: `${name} must name a directory, not a file` });

const urlString = (name: string) =>
  optionalString.refine((value) => value === undefined || URL.canParse(value), {
    message: `${name} must be a URL`,
  });

/** Each variable and its rule, by name. */
const variables = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString.refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
    message: "DATABASE_URL must start with postgresql:// (or leave it unset for the embedded database)",
  }),
  ZOOM_WEBHOOK_SECRET_TOKEN: z
    .string({ error: "ZOOM_WEBHOOK_SECRET_TOKEN is required (the Secret Token of your Zoom app)" })
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .refine((secrets) => secrets.length > 0, {
      message: "ZOOM_WEBHOOK_SECRET_TOKEN must hold at least one secret token (comma-separated to rotate)",
    }),
  AUTH_SECRET: z
    .string({ error: "AUTH_SECRET is required (a random string of at least 32 characters)" })
    .min(32, { message: "AUTH_SECRET must be at least 32 characters long" }),
  PORT: z.coerce
    .number({ error: "PORT must be a number" })
    .int({ message: "PORT must be a whole number" })
    .min(1, { message: "PORT must be between 1 and 65535" })
    .max(65535, { message: "PORT must be between 1 and 65535" })
    .default(3000),
  APP_URL: urlString("APP_URL"),
  ZOOM_ACCOUNT_ID: optionalString,
  ZOOM_CLIENT_ID: optionalString,
  ZOOM_CLIENT_SECRET: optionalString,
  // The Zoom app whose failed deliveries reconciliation recovers from the webhook-logs API.
  ZOOM_WEBHOOK_LOGS_APP_ID: optionalString,
  ZOOM_API_URL: urlString("ZOOM_API_URL").default("https://api.zoom.us/v2"),
  ZOOM_OAUTH_URL: urlString("ZOOM_OAUTH_URL").default("https://zoom.us/oauth/token"),
  SMTP_URL: optionalString.refine((value) => value === undefined || /^smtps?:\/\//.test(value), {
    message: "SMTP_URL must start with smtp:// or smtps://",
  }),
  MAIL_FROM: optionalString.default("Rollcall <rollcall@localhost>"),
  WORKER: z.enum(["on", "off"], { error: "WORKER must be on or off" }).default("on"),
  RETENTION_DAYS: z.coerce
    .number({ error: "RETENTION_DAYS must be a number of days" })
    .int()
    .min(1, { message: "RETENTION_DAYS must be at least 1" })
    .default(180),
  // Proxies whose X-Forwarded-For hop is believed (lib/client-address.ts); unset: the socket's address.
  TRUSTED_PROXIES: optionalString.superRefine((value, context) => {
    if (value === undefined) return;
    const { problems } = parseTrustedProxies(value);
    if (problems.length)
      context.addIssue({
        code: "custom",
        message: `TRUSTED_PROXIES must list IP addresses or CIDR ranges, comma-separated: ${problems.join("; ")}`,
      });
  }),
  RECONCILE_DELAY_MINUTES: z.coerce.number({ error: "RECONCILE_DELAY_MINUTES must be a number" }).min(0).default(10),
  // Rejected webhook deliveries (401/400/413/404) written as rows per minute and process; the
  // rest are only counted (lib/webhook/rejections.ts), so a flood cannot grow the database.
  WEBHOOK_REJECTED_ROWS_PER_MINUTE: z.coerce
    .number({ error: "WEBHOOK_REJECTED_ROWS_PER_MINUTE must be a number" })
    .int({ message: "WEBHOOK_REJECTED_ROWS_PER_MINUTE must be a whole number" })
    .min(0, { message: "WEBHOOK_REJECTED_ROWS_PER_MINUTE must be 0 or more" })
    .max(100_000, { message: "WEBHOOK_REJECTED_ROWS_PER_MINUTE must be at most 100000" })
    .default(60),
  // Production serves over https (Secure cookies, HSTS) unless this is set on purpose.
  ALLOW_INSECURE_HTTP: z
    .enum(["0", "1"], { error: "ALLOW_INSECURE_HTTP must be 1 (allow http in production) or 0" })
    .optional(),
  // Connections of each process's pool (lib/db.ts); size PostgreSQL's max_connections for all of them.
  DATABASE_POOL_SIZE: wholeNumber("DATABASE_POOL_SIZE", 1, 1000, 20),
  // Jobs one worker runs at once (lib/worker/runner.ts).
  WORKER_CONCURRENCY: wholeNumber("WORKER_CONCURRENCY", 1, 1000, 4),
  // The embedded database, development secrets and caught mail live here (lib/db/data-directory.ts).
  ROLLCALL_DATA_DIR: directoryOr("ROLLCALL_DATA_DIR", ".data"),
  // Where the demo's mail catcher writes messages; unset: <ROLLCALL_DATA_DIR>/mail (lib/mail/caught.ts).
  MAIL_CATCHER_DIR: optionalDirectory("MAIL_CATCHER_DIR"),
  // next-auth's own names: the servers set them from APP_URL and AUTH_SECRET (scripts/serve.ts).
  NEXTAUTH_URL: urlString("NEXTAUTH_URL"),
  NEXTAUTH_SECRET: optionalString.refine((value) => value === undefined || value.length >= 32, {
    message: "NEXTAUTH_SECRET must be at least 32 characters long (or leave it unset: AUTH_SECRET is used)",
  }),
};

const configSchema = z.object(variables).superRefine((config, context) => {
  if (config.NODE_ENV === "production" && config.ALLOW_INSECURE_HTTP !== "1") {
    const appUrl = config.APP_URL;
    if (!appUrl || !appUrl.startsWith("https://")) {
      context.addIssue({
        code: "custom",
        path: ["APP_URL"],
        message: `APP_URL must be an https:// URL in production (got ${appUrl ? JSON.stringify(appUrl) : "nothing"}), so that sign-in cookies are Secure; set ALLOW_INSECURE_HTTP=1 to serve plain http on purpose`,
      });
    }
  }
  const zoomApi = [config.ZOOM_ACCOUNT_ID, config.ZOOM_CLIENT_ID, config.ZOOM_CLIENT_SECRET];
  const given = zoomApi.filter(Boolean).length;
  if (given > 0 && given < 3) {
    for (const name of ["ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"] as const) {
      if (!config[name]) {
        context.addIssue({
          code: "custom",
          path: [name],
          message: `${name} is required when any of ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET is set`,
        });
      }
    }
  }
});

export type Config = z.infer<typeof configSchema> & {
  appUrl: string;
  reportApiConfigured: boolean;
  /** APP_URL is https: cookies are Secure and responses carry Strict-Transport-Security. */
  servedOverHttps: boolean;
};

/** One year, as browsers and the HSTS preload list expect. */
export const HSTS_HEADER_VALUE = "max-age=31536000; includeSubDomains";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** One line per problem, each naming its variable. */
function configError(issues: z.core.$ZodIssue[], variable?: string): ConfigError {
  const problems = issues.map((issue) => {
    const name = String(issue.path[0] ?? variable ?? "configuration");
    return issue.message.includes(name)
      ? `Configuration error: ${issue.message}`
      : `Configuration error: ${name}: ${issue.message}`;
  });
  return new ConfigError([...new Set(problems)]);
}

/** Validates an environment; throws ConfigError with one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) throw configError(result.error.issues);
  const config = result.data;
  const appUrl = (config.APP_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, "");
  return {
    ...config,
    appUrl,
    servedOverHttps: appUrl.startsWith("https://"),
    reportApiConfigured: Boolean(config.ZOOM_ACCOUNT_ID && config.ZOOM_CLIENT_ID && config.ZOOM_CLIENT_SECRET),
  };
}

type Variables = typeof variables;

/**
 * One variable, by the same rule as getConfig, for code that runs where the rest of the
 * configuration may be absent (the command line, scripts, tests). Throws ConfigError when it is bad.
 */
export function setting<Name extends keyof Variables>(
  name: Name,
  env: Record<string, string | undefined> = process.env,
): z.output<Variables[Name]> {
  const result = variables[name].safeParse(env[name]);
  if (!result.success) throw configError(result.error.issues, name);
  return result.data as z.output<Variables[Name]>;
}

let cached: Config | undefined;

/** The process's configuration (validated on first use). */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
