// The background worker (`npm run worker`, or a thread of `npm start`): the job runner over the
// feature tasks, the crontab, the event dispatcher and the sweeper. Only entry points (scripts/)
// and tests import it.
export { startWorker, type Worker } from "./runner";
export { registerTasks, tasks } from "./tasks";
export { crontab, crontabLines } from "./crontab";
