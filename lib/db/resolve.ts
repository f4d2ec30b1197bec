import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";
import { dataDirectory } from "./data-directory";
import { embeddedDatabasePassword } from "../dev-secrets";

export { dataDirectory };

/**
 * The database to use: DATABASE_URL when set, otherwise the embedded Postgres under `.data/`
 * (started if needed). Sets process.env.DATABASE_URL so that everything in this process uses it.
 */
export async function resolveDatabase(options: { quiet?: boolean } = {}): Promise<EmbeddedDatabase> {
  const configured = process.env.DATABASE_URL?.trim();
  if (configured) return { url: configured, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDirectory, "postgres"),
    quiet: options.quiet ?? true,
    password: embeddedDatabasePassword(),
  });
  process.env.DATABASE_URL = embedded.url;
  return embedded;
}
