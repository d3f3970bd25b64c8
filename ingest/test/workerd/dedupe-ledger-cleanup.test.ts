import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IngestEnv } from "../../src/env";

const ingestEnv = env as unknown as IngestEnv;

describe("the dedupe ledger's cleanup alarm", () => {
  it("forgets keys past the TTL, also those a push reserved and never settled (it died mid-push)", async () => {
    const ledger = ingestEnv.DEDUPE.get(ingestEnv.DEDUPE.idFromName(`cleanup-${crypto.randomUUID()}`));
    const ttlMs = 60_000;
    await ledger.reserve("settled", [{ key: "k-settled", eventId: "01A" }], 1_000, ttlMs);
    await ledger.settle("settled", true);
    // Reserved, then the isolate died before settling: the row stays pending with a lease.
    await ledger.reserve("abandoned", [{ key: "k-abandoned", eventId: "01B" }], 1_000, ttlMs);
    const keys = () =>
      runInDurableObject(ledger, (_o, state) =>
        state.storage.sql
          .exec<{ dedupe_key: string }>("SELECT dedupe_key FROM ledger ORDER BY dedupe_key")
          .toArray()
          .map((r) => r.dedupe_key),
      );
    expect(await keys()).toEqual(["k-abandoned", "k-settled"]);
    // Both were reserved longer ago than the TTL, and the abandoned lease has long run out.
    await runInDurableObject(ledger, (_o, state) => {
      state.storage.sql.exec("UPDATE ledger SET created_at = created_at - ?, lease_until = 1", 2 * ttlMs);
    });
    expect(await runDurableObjectAlarm(ledger)).toBe(true);
    expect(await keys()).toEqual([]);
    // Nothing left: the ledger no longer wakes up for it.
    expect(await runInDurableObject(ledger, (_o, state) => state.storage.getAlarm())).toBeNull();
  });
});
