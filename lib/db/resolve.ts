import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";
import { dataDirectory } from "./data-directory";
import { embeddedDatabasePassword } from "../dev-secrets";

export { dataDirectory };

/**
 * The database to use: DATABASE_URL when set, otherwise the embedded Postgres under `.data/`
 * (started if needed). Sets process.env.DATABASE_URL so that everything in this process uses it.
 */
let embeddedUrl: string | null = null;

/** Whether this process's DATABASE_URL is the embedded database resolveDatabase started. */
export function usingEmbeddedDatabase(): boolean {
  return embeddedUrl !== null && process.env.DATABASE_URL === embeddedUrl;
}

export async function resolveDatabase(options: { quiet?: boolean } = {}): Promise<EmbeddedDatabase> {
  const configured = process.env.DATABASE_URL?.trim();
  if (configured) return { url: configured, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDirectory, "postgres"),
    quiet: options.quiet ?? true,
    password: embeddedDatabasePassword(),
  });
  process.env.DATABASE_URL = embedded.url;
  embeddedUrl = embedded.url;
  return embedded;
}
