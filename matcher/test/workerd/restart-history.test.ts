import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { crossingMonitor, priceFacts, shardFor } from "./helpers";

// A restarted shard rebuilds each series from its SQLite log as it was at the checkpoint
// (SqliteFactLog.history with upToSeq). A mutation audit found two ways to read it wrong that no
// workerd test saw: skipping a checkpoint segment that starts at the checkpoint's own seq, and
// taking a stale row as the series' newest sample. Either loses the previous value of a crossing.

const T0 = Date.UTC(2026, 0, 1);

/** Upserts, facts, another upsert (which checkpoints the shard), a restart, then one more fact. */
async function crossingAfterRestart(symbol: string, before: ReturnType<typeof priceFacts>, after: number) {
  const def = crossingMonitor(`${symbol}-100`, symbol, 100);
  const shard = shardFor(symbol);
  await shard.upsertMonitor(def);
  await shard.applyFacts(before);
  // A monitor change checkpoints first: the facts above go into the checkpoint's segments.
  await shard.upsertMonitor(crossingMonitor(`${symbol}-500`, symbol, 500));
  expect((await shard.stats()).factsSinceCheckpoint).toBe(0);
  await abortAllDurableObjects();
  const last = priceFacts(symbol, [after], T0 + 600_000);
  const applied = await shardFor(symbol).applyFacts(last);
  const ops: Op[] = [{ type: "upsert", def }, ...[...before, ...last].map((fact) => ({ type: "fact" as const, fact }))];
  return { applied, expected: referenceEvaluate(ops) };
}

describe("a restarted shard's series history at its checkpoint", () => {
  it("reads the newest sample from a segment that starts at the checkpoint's seq", async () => {
    // One fact of the stream since the last checkpoint: its segment's first seq is the checkpoint's.
    const { applied, expected } = await crossingAfterRestart("RHA", priceFacts("RHA", [90], T0), 110);
    expect(expected).toHaveLength(1);
    expect(applied.matches).toBe(1);
  });

  it("does not take a stale row as the newest sample", async () => {
    // 90, then a late 150 (observed earlier: stale, logged but no sample): 90 → 110 crosses 100.
    const before = [...priceFacts("RHB", [90], T0 + 60_000), ...priceFacts("RHB", [150], T0)];
    const { applied, expected } = await crossingAfterRestart("RHB", before, 110);
    expect(expected).toHaveLength(1);
    expect(applied).toMatchObject({ stale: 0, matches: 1 });
  });
});
