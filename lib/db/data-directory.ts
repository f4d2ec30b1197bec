import { setting } from "../config";

/** Where development data lives: ROLLCALL_DATA_DIR, else `.data/` (the demo uses `.data/demo`), as an absolute path. */
export const dataDirectory = setting("ROLLCALL_DATA_DIR");
