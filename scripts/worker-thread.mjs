// Entry of the in-process worker thread: load TypeScript through tsx, then the worker itself.
import { register } from "tsx/esm/api";

register();
await import("./worker-thread.ts");
