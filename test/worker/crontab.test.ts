// The worker's schedule: graphile-worker must accept every line, and the stale-projection sweeper
// runs every minute (not only when a worker starts), so a recompute left locked by a worker that
// died is redone within about a minute while the other workers keep running.
import { parseCrontab } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { crontab, tasks } from "../../lib/worker";

describe("worker crontab", () => {
  const items = parseCrontab(crontab());

  it("parses, and names only tasks the worker has", () => {
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(Object.keys(tasks)).toContain(item.task);
  });

  it("sweeps stale projections every minute", () => {
    const sweep = items.find((item) => item.task === "sweep_stale_projections");
    expect(sweep).toBeDefined();
    // Every minute of a Monday morning and a Sunday night matches.
    const minutes = [
      ...Array.from({ length: 60 }, (_, min) => ({ min, hour: 9, date: 7, month: 12, dow: 1 })),
      ...Array.from({ length: 60 }, (_, min) => ({ min, hour: 23, date: 13, month: 12, dow: 0 })),
    ];
    expect(minutes.filter((digest) => sweep!.match(digest))).toHaveLength(120);
  });
});
