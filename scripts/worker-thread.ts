// The background worker run inside `npm start`, on its own thread: recomputing a class's
// attendance is CPU work, and on the server's event loop it would delay webhook answers.
import { parentPort, workerData } from "node:worker_threads";
import { startWorker } from "../lib/worker";
import { errorMessage, log } from "../lib/log";

const { databaseUrl } = workerData as { databaseUrl: string };

startWorker({ connectionString: databaseUrl })
  .then((worker) => {
    parentPort?.postMessage({ type: "ready" });
    parentPort?.on("message", (message: { type: string }) => {
      if (message.type === "stop") {
        void worker.stop().finally(() => parentPort?.postMessage({ type: "stopped" }));
      }
    });
  })
  .catch((error: unknown) => {
    log.error("background worker could not start", { error: errorMessage(error) });
    process.exit(1);
  });
