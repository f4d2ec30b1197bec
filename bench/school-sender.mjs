// Entry of bench:school's sender thread: load TypeScript through tsx, then the sender itself.
import { register } from "tsx/esm/api";

register();
await import("./school-sender.ts");
