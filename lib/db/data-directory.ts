import path from "node:path";

/** Where development data lives: ROLLCALL_DATA_DIR, else `.data/` (the demo uses `.data/demo`). */
export const dataDirectory = path.resolve(process.env.ROLLCALL_DATA_DIR ?? ".data");
