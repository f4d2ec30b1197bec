// Loaded first by scripts/demo.ts, before any module reads ROLLCALL_DATA_DIR: refuses to run the
// demo in production or against DATABASE_URL (exit 1, one clear line), and points the demo's data
// (embedded database, development secrets, caught mail) at .data/demo.
import path from "node:path";
import { DEMO_DATA_DIRECTORY, demoRefusal } from "../lib/demo/accounts";

const refusal = demoRefusal(process.env);
if (refusal) {
  console.error(`Demo refused: ${refusal}`);
  process.exit(1);
}
process.env.ROLLCALL_DATA_DIR = path.resolve(DEMO_DATA_DIRECTORY);
