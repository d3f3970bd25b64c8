import { describe, expect, it } from "vitest";
import { type StepRun, summarize } from "../../lib/run-all-summary";

const step = (over: Partial<StepRun>): StepRun => ({
  script: "bench:shard",
  result: "shard",
  status: 0,
  signal: null,
  startedAt: Date.parse("2026-12-01T10:00:00Z"),
  endedAt: Date.parse("2026-12-01T10:00:30Z"),
  ...over,
});
const file = (measuredAt: string) => ({
  bench: "shard",
  title: "t",
  measuredAt,
  rows: [{ metric: "facts/s per shard", value: 1 }],
  factsPerSec: 29_133,
});

// npm run bench's last line is what a script reads: it must carry this run's figures only.
describe("npm run bench summary", () => {
  it("carries the figures a step wrote during its run, without the table rows", () => {
    const r = summarize([step({})], () => file("2026-12-01T10:00:29Z"));
    expect(r).toEqual({
      ok: true,
      steps: { "bench:shard": { exit: 0, seconds: 30, figures: { factsPerSec: 29_133 } } },
    });
  });

  it("never shows an earlier run's results file as this run's, and fails the run", () => {
    const r = summarize([step({})], () => file("2026-11-20T08:00:00Z"));
    expect(r.ok).toBe(false);
    expect(r.steps["bench:shard"]).toEqual({
      exit: 0,
      seconds: 30,
      note: "load-tests/results/shard.json was not written by this run",
    });
  });

  it("gives a failed or killed step no figures, names the signal, and fails the run", () => {
    const read = () => file("2026-12-01T10:00:29Z");
    const r = summarize(
      [
        step({}),
        step({ script: "load:e2e", result: "e2e", status: 1 }),
        step({ script: "load:burst", status: null, signal: "SIGKILL" }),
      ],
      read,
    );
    expect(r.ok).toBe(false);
    expect(r.steps["load:e2e"]).toEqual({ exit: 1, seconds: 30 });
    expect(r.steps["load:burst"]).toEqual({ exit: "SIGKILL", seconds: 30 });
    expect(r.steps["bench:shard"]?.figures).toEqual({ factsPerSec: 29_133 });
  });
});
