// For test files that use the database in-process: a fresh database per file, cloned from the
// migrated template of the test cluster (TEST_CLUSTER_URL, set by scripts/test.ts).
import { createDatabaseFromTemplate, uniqueName } from "./postgres";

export async function useFreshDatabase(label: string): Promise<string> {
  const clusterUrl = process.env.TEST_CLUSTER_URL;
  if (!clusterUrl) throw new Error("TEST_CLUSTER_URL is not set: run the tests with `npm test`");
  const url = await createDatabaseFromTemplate(clusterUrl, uniqueName(label));
  process.env.DATABASE_URL = url;
  return url;
}
